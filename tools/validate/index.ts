// The validate stage: strict schema, API-server rules, hardening lint and invariants over one rendered
// multi-document output. `RenderedChecker` (rendered.ts) runs them all on a render, each distinct document once.
import { validateNetworkPolicy } from './api-rules.ts';
import { parseDocuments } from '../yaml/documents.ts';
import { type FieldError, formatFieldError, schemaText } from './messages.ts';
import { validateSchema } from './schema/validator.ts';
import type { NetworkPolicy } from './types.ts';

export type { FieldError } from './messages.ts';
export type { HardeningReport, HardeningViolation, ExceptionUse } from './lint.ts';
export type { InvariantFinding, Workload } from './invariants.ts';
export type { NetworkPolicy } from './types.ts';
// lint and invariants as single calls, for the tests; RenderedChecker uses their parts
export { lintHardening } from './lint.ts';
export { checkInvariants } from './invariants.ts';

export type ResourceStatus = 'valid' | 'invalid' | 'error' | 'skipped';

export interface ResourceResult {
  /** position of the document in its stream */
  index: number;
  kind: string;
  name: string;
  status: ResourceStatus;
  /** schema and API-server field errors (status invalid) */
  errors: FieldError[];
  /** why the resource could not be validated (status error) */
  message?: string;
  resource?: unknown;
}

/** Schema first; the API-server rules run on a NetworkPolicy whose types the schema has vouched for. */
export function validateResource(resource: unknown, index = 0): ResourceResult {
  const { kind = '', metadata } = (resource ?? {}) as { kind?: unknown; metadata?: { name?: unknown } };
  const base = { index, kind: String(kind), name: String(metadata?.name ?? ''), resource };
  const schema = validateSchema(resource);
  if (schema.status === 'error') return { ...base, status: 'error', errors: [], message: schema.message };
  if (schema.status === 'skipped') return { ...base, status: 'skipped', errors: [] };
  if (schema.status === 'invalid') return { ...base, status: 'invalid', errors: schema.errors };
  const errors = kind === 'NetworkPolicy' ? validateNetworkPolicy(resource as NetworkPolicy) : [];
  return { ...base, status: errors.length > 0 ? 'invalid' : 'valid', errors };
}

export function validateDocuments(text: string): ResourceResult[] {
  return parseDocuments(text).map((document) =>
    document.error !== undefined
      ? { index: document.index, kind: '', name: '', status: 'error', errors: [], message: schemaText.yamlError(document.error) }
      : validateResource(document.resource, document.index),
  );
}

/** The field errors of one resource on one line, as kubeconform prints them. */
export const formatErrors = (errors: FieldError[]) => errors.map(formatFieldError).join(', ');
