// StrykerJS over the toolkit's semantics: tools/analyze and tools/validate (with the YAML reader, tools/yaml),
// killed by the tests of test/analyze, test/validate, test/yaml and test/prove/toolkit. Run from the project root:
//   npx stryker run tools/prove/stryker.config.mjs      (make mutation-score)
//
// Not mutated, with the reason:
//   */commands.ts            CLI wiring and output formatting; covered by the CLI tests, which spawn
//                            processes Stryker cannot attribute coverage to
//   */bench.ts, bench/**     benchmarks, not behaviour
//   validate/schema/generate.ts, write.ts
//                            the generator of the committed kubernetes.schema.json; its one test is a
//                            byte-for-byte comparison with the committed file (5 s per run)
//   analyze/format/svg.ts    a call into the wasm Graphviz build
// The existing tests run as one process per scope (tools/prove/stryker/*-tests.ts import the test files), so
// a mutant costs one node start-up, not one per file; test/prove/toolkit adds the tests written against the
// survivors (their own files, so that incremental runs retest only what they cover). Left out: cli.test.ts (spawns the CLI), bench.test.ts and
// reference.test.ts (minutes long), schema.test.ts (see validate-tests.ts). tools/analyze/reading.ts (the two
// ipBlock readings) is mutated like the rest; test/analyze/endpoints.test.ts checks every reading and peer kind.
// STRYKER_SCOPE=analyze|validate (make mutation-score runs both, one after the other): each scope has its
// own incremental file and report, and runs only its own tests.
const scope = process.env.STRYKER_SCOPE ?? 'analyze';
const scopes = {
  analyze: {
    mutate: ['tools/analyze/**/*.ts', '!tools/analyze/commands.ts', '!tools/analyze/bench/**', '!tools/analyze/format/svg.ts'],
    testFiles: ['tools/prove/stryker/analyze-tests.ts', 'test/prove/toolkit/analyze-*.test.ts'],
  },
  validate: {
    mutate: ['tools/validate/**/*.ts', 'tools/yaml/**/*.ts', '!tools/validate/commands.ts', '!tools/validate/bench.ts',
      '!tools/validate/schema/generate.ts', '!tools/validate/schema/write.ts'],
    testFiles: ['tools/prove/stryker/validate-tests.ts', 'test/prove/toolkit/validate-*.test.ts'],
  },
};
if (!scopes[scope]) throw new Error(`STRYKER_SCOPE: expected analyze or validate, got ${scope}`);
const { mutate, testFiles } = scopes[scope];

export default {
  $schema: '../../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
  packageManager: 'npm',
  plugins: ['@stryker-mutator/tap-runner'],
  testRunner: 'tap',
  tap: { testFiles, nodeArgs: ['--import', 'tsx'], forceBail: true },
  coverageAnalysis: 'perTest',
  mutate,
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 15000,
  timeoutFactor: 2,
  incremental: process.env.STRYKER_INCREMENTAL !== '0',
  incrementalFile: `.cache/stryker/incremental-${scope}.json`,
  tempDirName: `.stryker-tmp/${scope}`,
  cleanTempDir: 'always',
  ignorePatterns: ['.cache', '.tap', 'reports', 'coverage', '.git', '.ci'],
  disableTypeChecks: 'tools/**/*.ts',
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${scope}.json` },
  htmlReporter: { fileName: `reports/mutation/${scope}.html` },
  thresholds: { high: 90, low: 80, break: null },
};
