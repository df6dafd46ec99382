// Splits a multi-document YAML stream into resources, one parse per document, so that a broken
// document (syntax error, duplicate key) is reported on its own and does not hide the others.
import { load } from 'js-yaml';

export interface Document {
  /** 0-based position of the document in its stream */
  index: number;
  /** the parsed resource, or undefined when parsing failed */
  resource?: unknown;
  /** parse error (js-yaml rejects duplicate keys) */
  error?: string;
}

/** A document separator line: `---`, optionally followed by a comment. */
const separator = /^---[ \t]*(?:#.*)?$/m;

export function parseDocuments(text: string): Document[] {
  const documents: Document[] = [];
  const parts = text.split(new RegExp(separator.source, 'gm'));
  for (const part of parts) {
    if (isBlank(part)) continue;
    const index = documents.length;
    try {
      const resource = load(part);
      if (resource === null || resource === undefined) continue; // e.g. a document holding only `~`
      documents.push({ index, resource });
    } catch (err) {
      documents.push({ index, error: (err as Error).message.split('\n')[0] });
    }
  }
  return documents;
}

/** Only whitespace and comments: no document at all (js-yaml v5 throws on empty input). */
function isBlank(part: string): boolean {
  return part.split('\n').every((line) => /^\s*(#.*)?$/.test(line));
}
