// Writes the generated schema file, or checks that the committed one matches the generator.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildKubernetesSchema, serializeSchema } from './generate.ts';
import { schemaPath } from './path.ts';

export { schemaPath } from './path.ts';

export async function generatedSchemaText(): Promise<string> {
  return serializeSchema(await buildKubernetesSchema());
}

export async function writeSchema(path = schemaPath): Promise<void> {
  writeFileSync(path, await generatedSchemaText());
}

/** True when the file on disk is exactly what the generator writes. */
export async function schemaIsCurrent(path = schemaPath): Promise<boolean> {
  let committed: string;
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  return committed === (await generatedSchemaText());
}
