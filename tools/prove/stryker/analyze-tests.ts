// The analyze tests as one process for StrykerJS (tools/prove/stryker.config.mjs): one node start-up per
// mutant instead of one per test file. tap's root test collects the subtests of every imported file.
// endpoints.test.ts holds the two readings (calico, cilium) over every peer kind; output-values.test.ts every
// output format (its svg case costs about a second per run, the price of checking it for placeholders).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../paths.ts';

const own = ['api', 'scenarios', 'endpoints', 'output-values', 'connection-set', 'intervals', 'ip'].map((n) => join(projectRoot, 'test', 'analyze', `${n}.test.ts`));
const toolkit = join(projectRoot, 'test', 'prove', 'toolkit');
const added = readdirSync(toolkit).filter((f) => f.startsWith('analyze-') && f.endsWith('.test.ts')).sort().map((f) => join(toolkit, f));
for (const file of [...own, ...added]) await import(file);
