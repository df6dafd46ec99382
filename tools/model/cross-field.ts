// The cross-field rules of chart/templates/validate.yaml, as the model states them. The permutation runner
// compares helm's verdict with these, so a check that stops firing (or fires wrongly) is caught.
import type { Values } from './exceptions.ts';
import type { Signal } from './workloads.ts';

export interface CrossFieldViolation {
  /** the values key the chart's message must name */
  key: string;
  rule: 'zero-trust-backend-ports' | 'backend-cidrs-void-on-api-server-ports';
}

const signals: Signal[] = ['logs', 'metrics', 'traces'];

/** Violations of the rules that relate several keys (CIDR host bits are checked per key, not here). */
export function crossFieldViolations(v: Values): CrossFieldViolation[] {
  const found: CrossFieldViolation[] = [];
  for (const s of signals) {
    const b = v.backends[s];
    if (v.zeroTrust.enabled && b.ports.length === 0) found.push({ key: `backends.${s}.ports`, rule: 'zero-trust-backend-ports' });
    const shared = v.apiServer.ports.filter((p) => b.ports.length === 0 || b.ports.includes(p));
    if (b.cidrs.length > 0 && v.apiServer.cidrs.length === 0 && shared.length > 0) {
      found.push({ key: `backends.${s}.cidrs`, rule: 'backend-cidrs-void-on-api-server-ports' });
    }
  }
  return found;
}
