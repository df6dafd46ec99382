// Shared by the review tests: the CLI as a user runs it, and a strict XML well-formedness check.
import { join } from 'node:path';
import { root } from '../helpers/cli.ts';

export { root, run } from '../helpers/cli.ts';
export { landscape } from '../helpers/landscapes.ts';
export const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

/**
 * Problems that make `text` not well-formed XML 1.0 (empty when it is): balanced and properly nested
 * elements, one root, quoted and unique attributes, known or numeric entities, closed comments, CDATA,
 * processing instructions and doctype. Enough for Graphviz's SVG; no DTD processing.
 */
export function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const name = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
  const checkText = (chunk: string, at: number, attribute = false) => {
    for (const m of chunk.matchAll(/&([^;\s<&]*);?/g)) {
      const ok = m[0].endsWith(';') && /^(lt|gt|amp|quot|apos|#\d+|#x[0-9A-Fa-f]+)$/.test(m[1]);
      if (!ok) problems.push(`bad entity ${m[0]} at ${at + (m.index ?? 0)}`);
    }
    if (!attribute && stack.length === 0 && chunk.trim() !== '') problems.push(`text outside the root element at ${at}`);
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      checkText(text.slice(i), i);
      break;
    }
    checkText(text.slice(i, lt), i);
    const rest = text.slice(lt);
    const closing = (marker: string, what: string) => {
      const end = text.indexOf(marker, lt);
      if (end < 0) problems.push(`unclosed ${what} at ${lt}`);
      return end < 0 ? text.length : end + marker.length;
    };
    if (rest.startsWith('<!--')) i = closing('-->', 'comment');
    else if (rest.startsWith('<![CDATA[')) i = closing(']]>', 'CDATA section');
    else if (rest.startsWith('<?')) i = closing('?>', 'processing instruction');
    else if (rest.startsWith('<!DOCTYPE')) i = closing('>', 'doctype');
    else {
      const end = text.indexOf('>', lt);
      if (end < 0) {
        problems.push(`unclosed tag at ${lt}`);
        break;
      }
      const tag = text.slice(lt + 1, end);
      i = end + 1;
      if (tag.startsWith('/')) {
        const closed = tag.slice(1).trim();
        const open = stack.pop();
        if (open !== closed) problems.push(`</${closed}> closes <${open ?? 'nothing'}> at ${lt}`);
        continue;
      }
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const tagName = name.exec(body)?.[0];
      if (!tagName) {
        problems.push(`bad tag <${tag.slice(0, 20)}> at ${lt}`);
        continue;
      }
      let attrs = body.slice(tagName.length);
      const seen = new Set<string>();
      while (attrs.trim() !== '') {
        const m = /^\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("[^"<]*"|'[^'<]*')/.exec(attrs);
        if (!m) {
          problems.push(`bad attributes in <${tagName}> at ${lt}: ${attrs.slice(0, 30)}`);
          break;
        }
        if (seen.has(m[1])) problems.push(`duplicate attribute ${m[1]} in <${tagName}> at ${lt}`);
        seen.add(m[1]);
        checkText(m[2], lt, true);
        attrs = attrs.slice(m[0].length);
      }
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(tagName);
    }
  }
  if (stack.length) problems.push(`unclosed elements: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

export { tempFile } from '../helpers/files.ts';
