// The generated schema's text, as tools/generated.ts writes (and checks) it with every other generated file.
import { buildKubernetesSchema, serializeSchema } from './generate.ts';

export async function generatedSchemaText(): Promise<string> {
  return serializeSchema(await buildKubernetesSchema());
}
