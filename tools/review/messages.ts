// Every user-visible text of the review commands (explain, diff, matrix), defined once.

export const messages = {
  valuesFileMissing: (file: string) => `values file not found: ${file}`,
  renderFailed: (detail: string) => `cannot render the chart: ${detail}`,
  unknownPeer: (text: string, keys: readonly string[]) =>
    `unknown peer "${text}": use namespace/name of a topology pod, an IP address, or one of ${keys.join(', ')}`,
  badPort: (text: string) => `--port "${text}": expected PORT or PORT/PROTOCOL, e.g. 8888/TCP (protocol TCP, UDP or SCTP)`,
  diffNeedsTwo: () => 'diff: give -f VALUES and --f2 VALUES (two renders to compare), or --ref REF [-f VALUES]',
  diffBothModes: () => 'diff: --ref compares the chart at a git ref with the working tree; do not combine it with --f2',
  badRef: (ref: string, detail: string) => `cannot read the chart at git ref "${ref}": ${detail}`,
  unknownMatrixFormat: (format: string) => `--format "${format}": use md or svg`,
  readmeMarkers: (path: string, begin: string, end: string) => `${path} must hold the markers "${begin}" and "${end}"`,
  diffSummary: (added: number, removed: number, before: string, after: string) =>
    `${added} flow(s) added, ${removed} flow(s) removed (${before} -> ${after})`,
} as const;
