// What the YAML reader says of a document it cannot decode, and how it names a key path.

/** A field path as the API server writes it: `spec.ingress[0].from`, map keys that are no identifier as `[key]`. */
export function formatPath(segments: ReadonlyArray<string | number>): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${segment}]`;
  }
  return text;
}

export const yamlText = {
  syntax: (line: number, column: number, message: string) => `line ${line}, column ${column}: ${message}`,
  decode: (line: number, message: string) => `line ${line}: ${message}`,
  duplicateKey: (line: number, path: string, firstLine: number) =>
    `line ${line}: duplicate key ${path} (already defined at line ${firstLine})`,
  recursiveAlias: 'an alias refers to a node that contains it',
};
