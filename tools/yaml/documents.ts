// The project's one reader of YAML (manifests, rendered charts, values files, JSON too). Built on the `yaml`
// package, with scalars resolved as Kubernetes' Go reader resolves them (go-yaml-scalars.ts), since Helm,
// kubectl and the API server read what this reads through it.
//
// The stream is first cut at separator lines (`---`, optionally followed by a comment), as kubectl and
// kubeconform cut it, and each piece goes to `parseAllDocuments`. Parsing the whole stream at once is not
// enough: an unterminated quoted scalar runs on to the end of the input and would take every later
// document with it.
import {
  type Document as YamlDocument, type Tags, isMap, isNode, isScalar, isSeq, LineCounter, type Node, type ParsedNode, parseAllDocuments, visit,
} from 'yaml';
import { goYamlScalarTags } from './go-scalars.ts';
import { formatPath, yamlText } from './messages.ts';

export interface Document {
  /** 0-based position among the stream's documents; empty documents (only comments, or `~`) are left out */
  index: number;
  /** 1-based line where the document starts: its `---` line, or else its first line of content */
  line: number;
  /** the decoded document, when it could be decoded */
  resource?: unknown;
  /** why it could not: a message naming the line, and for a duplicate key the key path */
  error?: string;
}

/** A mapping key as the decoded object holds it: `1` and `"1"` are one key; `null` and `~` are `""`. */
function keyText(key: unknown): string {
  const value = isScalar(key) ? key.value : key;
  return value === null ? '' : String(value);
}

const collectionAndStringTags = new Set(['tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq', 'tag:yaml.org,2002:str']);

const options = {
  // As go.yaml.in/yaml/v2 reads, under any `%YAML` directive: `on`/`yes` are true, `0777` is 511, `1e3` and
  // timestamps are strings, `<<` merges. A tag it does not know (`!custom`, `!!timestamp`, `!!binary`) leaves the
  // node as if untagged (a `!!binary` scalar keeps its base64 text, which Go would decode).
  version: '1.2',
  customTags: (tags: Tags) => [...tags.filter((t) => typeof t === 'object' && collectionAndStringTags.has(t.tag)), ...goYamlScalarTags],
  resolveKnownTags: false,
  merge: true,
  uniqueKeys: (a: ParsedNode, b: ParsedNode) => keyText(a) === keyText(b),
  // Positions come from a line counter; nothing is printed to the console.
  prettyErrors: false,
  logLevel: 'error',
} as const;

interface Position {
  /** 1-based, in the whole stream */
  line: number;
  column: number;
}

/** A separator line: `---`, then only blanks or a comment. `--- value` starts a document inside a piece. */
const separator = /^---[ \t]*(#.*)?\r?$/gm;

/**
 * Splits a multi-document YAML stream into its documents. A document that cannot be decoded (a syntax
 * error, a duplicate key) is an error of its own; the documents around it are still read.
 */
export function parseDocuments(text: string): Document[] {
  const documents: Document[] = [];
  for (const piece of pieces(text)) {
    const lineCounter = new LineCounter();
    // An error at the end of the piece (an unclosed quote or bracket) is placed on its last content
    // rather than on the next separator line.
    const end = piece.text.trimEnd().length;
    const position = (offset: number): Position => {
      const { line, col } = lineCounter.linePos(Math.min(offset, end));
      return { line: piece.line + line - 1, column: col };
    };
    for (const document of parseAllDocuments(piece.text, { ...options, lineCounter })) {
      const { line } = position(document.range[0]);
      const error = decodeError(document, position) ?? recursiveAlias(document, position);
      if (error !== undefined) {
        documents.push({ index: documents.length, line, error });
        continue;
      }
      try {
        const resource: unknown = document.toJS();
        if (resource === null || resource === undefined) continue;
        documents.push({ index: documents.length, line, resource });
      } catch (err) {
        // an alias without its anchor, or too many aliases: found only when the values are built
        documents.push({ index: documents.length, line, error: yamlText.decode(line, firstLine((err as Error).message)) });
      }
    }
  }
  return documents;
}

/** The text between separator lines, each piece with the line it starts on; the separator opens its piece. */
function pieces(text: string): Array<{ text: string; line: number }> {
  const starts = [0, ...[...text.matchAll(separator)].map((m) => m.index)];
  const result: Array<{ text: string; line: number }> = [];
  let line = 1;
  starts.forEach((start, i) => {
    const piece = text.slice(start, starts[i + 1] ?? text.length);
    if (piece !== '') result.push({ text: piece, line });
    line += (piece.match(/\n/g) ?? []).length;
  });
  return result;
}

/** The first problem of a document, or undefined (an unknown tag is none: only a warning to `yaml`). */
function decodeError(document: YamlDocument.Parsed, position: (offset: number) => Position): string | undefined {
  const problem = [...document.errors].sort((a, b) => a.pos[0] - b.pos[0])[0];
  if (!problem) return undefined;
  const { line, column } = position(problem.pos[0]);
  if (problem.code === 'DUPLICATE_KEY') {
    const duplicate = duplicateKeyAt(document.contents, problem.pos[0], []);
    if (duplicate) return yamlText.duplicateKey(line, formatPath(duplicate.path), position(duplicate.first).line);
  }
  return yamlText.syntax(line, column, firstLine(problem.message));
}

const firstLine = (message: string) => message.split('\n')[0];

/**
 * The key path of the duplicate key that starts at `offset` (e.g. `spec.ingress[0].ports`), and where the
 * key was first defined in the same mapping.
 */
function duplicateKeyAt(
  node: unknown,
  offset: number,
  path: Array<string | number>,
): { path: Array<string | number>; first: number } | undefined {
  const within = (n: unknown): n is Node => isNode(n) && n.range != null && n.range[0] <= offset && offset < n.range[2];
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        const first = node.items.find((p) => keyText(p.key) === keyText(pair.key))!;
        return { path: [...path, keyText(pair.key)], first: (first.key as Node).range![0] };
      }
      if (within(pair.value)) return duplicateKeyAt(pair.value, offset, [...path, keyText(pair.key)]);
    }
  } else if (isSeq(node)) {
    const i = node.items.findIndex(within);
    if (i >= 0) return duplicateKeyAt(node.items[i], offset, [...path, i]);
  }
  return undefined;
}

/** An alias inside the node it refers to (`a: &x [*x]`) would make a value that contains itself. */
function recursiveAlias(document: YamlDocument.Parsed, position: (offset: number) => Position): string | undefined {
  let found: string | undefined;
  visit(document, {
    Alias(_, alias) {
      const source = alias.resolve(document);
      const at = alias.range![0];
      if (source?.range && source.range[0] <= at && at < source.range[2]) {
        const { line, column } = position(at);
        found = yamlText.syntax(line, column, yamlText.recursiveAlias);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
