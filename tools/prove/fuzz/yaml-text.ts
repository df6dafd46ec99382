// The YAML text of a fuzz case, as a landscape file would hold it, so that helm's own YAML parser reads it:
// block style (js-yaml's dump), flow style, or block keys with flow values in which every repeated list or
// map is written once with an anchor (&a1) and then as an alias (*a1).
import { dump } from 'js-yaml';
import type { Style } from './generate.ts';

const isMap = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A number as YAML 1.1 (helm's parser) and 1.2 (js-yaml) both read it: `1e+21` needs a dot in YAML 1.1. */
function number(n: number): string {
  const text = JSON.stringify(n);
  return /^[-+]?[0-9]+e/i.test(text) ? text.replace(/e/i, '.e') : text;
}

// js-yaml's own flow style leaves `::/1` unquoted, which helm's YAML parser rejects inside a flow
// collection: flow style is written here, every string quoted.
function flowText(root: Record<string, unknown>, anchored: boolean): string {
  const counts = new Map<string, number>();
  const count = (v: unknown) => {
    if (!(Array.isArray(v) ? v.length : isMap(v) ? Object.keys(v).length : 0)) return;
    const key = JSON.stringify(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) count(child);
  };
  Object.values(root).forEach(count);
  const anchors = new Map<string, string>();
  const flow = (v: unknown): string => {
    if (v === null) return 'null';
    if (typeof v === 'number') return number(v);
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'string') return JSON.stringify(v);
    const key = JSON.stringify(v);
    const known = anchors.get(key);
    if (known) return `*${known}`;
    let prefix = '';
    if (anchored && (counts.get(key) ?? 0) > 1) {
      const name = `a${anchors.size + 1}`;
      anchors.set(key, name);
      prefix = `&${name} `;
    }
    if (Array.isArray(v)) return `${prefix}[${v.map(flow).join(', ')}]`;
    return `${prefix}{${Object.entries(v as object).map(([k, x]) => `${JSON.stringify(k)}: ${flow(x)}`).join(', ')}}`;
  };
  if (!anchored) return `${flow(root)}\n`;
  const lines = Object.entries(root).map(([k, v]) => `${JSON.stringify(k)}: ${flow(v)}`);
  return lines.length ? `${lines.join('\n')}\n` : '{}\n';
}

export function yamlText(override: Record<string, unknown>, style: Style): string {
  if (style === 'block') return dump(override, { lineWidth: -1, noRefs: true });
  return flowText(override, style === 'anchors');
}
