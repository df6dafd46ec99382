// Where the generated schema lives and the command that writes it (with every other generated file); kept
// apart from the generator so that validating does not load the TypeScript compiler.
import { fileURLToPath } from 'node:url';

export const schemaPath = fileURLToPath(new URL('kubernetes.schema.json', import.meta.url));
export const schemaCommand = 'npx telemetry-netpol generate';
