// The Kyma hardening rules every module policy follows, and the shape of a recorded exception:
// a place where a policy must break a rule, with the reason and the switch that closes it.

export const hardeningRules = {
  'ingress-peer-not-combined': 'ingress peers combine namespaceSelector and podSelector',
  'namespace-selector-alone': 'no namespaceSelector without a podSelector',
  'empty-selector': 'no empty selector {} in a peer',
  'missing-ports': 'every rule lists its ports',
  'port-range': 'dedicated ports, not ranges',
  'any-address': 'no 0.0.0.0/0 or ::/0; smallest CIDRs',
  'empty-peers': 'every rule names its peers (no rule without from/to)',
} as const;

export type HardeningRule = keyof typeof hardeningRules;

export type Direction = 'ingress' | 'egress';

/** A hardening rule a rendered policy may break, because of a switch setting. */
export interface HardeningException {
  /** stable id, e.g. "backend-any-address" */
  id: string;
  rule: HardeningRule;
  /** full policy name, e.g. "kyma-project.io--telemetry-log-gateway" */
  policy: string;
  direction: Direction;
  reason: string;
  /** the values key whose setting closes the exception, e.g. "backends.logs.cidrs"; null when no switch can */
  closedBy: string | null;
}
