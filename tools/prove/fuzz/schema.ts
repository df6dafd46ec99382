// The chart's values.schema.json in process (ajv, draft-07, every error), and the keys a rejection must
// name, compared in one spelling (normalizeKeyPaths).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { chartDir } from '../../paths.ts';
import { normalizeKeyPaths } from '../../render/render.ts';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
    compiled = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return compiled;
}

export interface SchemaVerdict {
  valid: boolean;
  /** ajv's errors, one line each */
  errors: string[];
  /** dotted keys, any of which a rejection message must name */
  keys: string[];
}

const pointer = (e: ErrorObject) => normalizeKeyPaths(e.instancePath);
const join2 = (a: string, b: string) => (a ? `${a}.${b}` : b);

export function checkSchema(values: unknown): SchemaVerdict {
  const validate = validator();
  if (validate(values)) return { valid: true, errors: [], keys: [] };
  const errors = validate.errors ?? [];
  const keys = new Set<string>();
  for (const e of errors) {
    const at = pointer(e);
    const params = e.params as Record<string, string>;
    if (e.keyword === 'additionalProperties') keys.add(join2(at, params.additionalProperty));
    else if (e.keyword === 'required') keys.add(join2(at, params.missingProperty));
    else if (e.keyword === 'propertyNames') keys.add(join2(at, params.propertyName));
    if (at) keys.add(at);
    // `backends.logs.cidrs` names the key of `backends.logs.cidrs.0` well enough; one segment does not
    const parent = at.split('.').slice(0, -1).join('.');
    if (parent.includes('.')) keys.add(parent);
  }
  return { valid: false, errors: errors.map((e) => `${e.instancePath || '/'} ${e.message}`), keys: [...keys].filter(Boolean) };
}

/** The first of the keys that the (normalized) message names, or undefined. */
export function namedKey(message: string, keys: string[]): string | undefined {
  const text = normalizeKeyPaths(message).replace(/'\./g, "'");
  return keys.map(normalizeKeyPaths).find((k) => text.includes(k));
}

/** A Go panic or stack trace in helm's output: never acceptable, whatever the input. */
export function crashIn(text: string): string | undefined {
  const m = /panic:|goroutine \d+|runtime error:|\.go:\d+ \+0x|Stack trace/i.exec(text);
  return m ? m[0] : undefined;
}
