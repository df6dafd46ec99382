// The validate tests as one process for StrykerJS (tools/prove/stryker.config.mjs). schema.test.ts is left
// out: two of its tests rebuild the 5 MB schema from the OpenAPI (5-20 s a run) to compare it with the
// committed file, and the generator is not mutated; what it asserts about the validator is repeated in
// test/prove/toolkit/validate-behaviour.test.ts. test/yaml/documents.test.ts (documents with their lines) and null.test.ts
// (null is unset for every optional field) hold the validator's newer behaviour.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../paths.ts';

const own = [...['api-rules', 'lint', 'null'].map((n) => join(projectRoot, 'test', 'validate', `${n}.test.ts`)), join(projectRoot, 'test', 'yaml', 'documents.test.ts')];
const toolkit = join(projectRoot, 'test', 'prove', 'toolkit');
const added = readdirSync(toolkit).filter((f) => f.startsWith('validate-') && f.endsWith('.test.ts')).sort().map((f) => join(toolkit, f));
for (const file of [...own, ...added]) await import(file);
