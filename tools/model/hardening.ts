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
  /**
   * The ports of the rule that breaks it, as `portsText` writes them (`TCP 443,UDP 53`; `any` for a rule
   * without ports): an exception excuses that rule only, not another rule of the policy breaking the same way.
   */
  ports: string;
  reason: string;
  /** the values key whose setting closes the exception, e.g. "backends.logs.cidrs"; null when no switch can */
  closedBy: string | null;
}

/** A rule's ports in one canonical text: `PROTOCOL PORT[-END]`, sorted, comma-separated; `any` when none are listed. */
export function portsText(ports: { protocol?: string | null; port?: number | string | null; endPort?: number | null }[] | undefined | null): string {
  if (!ports?.length) return 'any';
  const texts = ports.map((p) => `${p.protocol ?? 'TCP'} ${p.port ?? 'any'}${p.endPort != null ? `-${p.endPort}` : ''}`);
  return [...new Set(texts)].sort().join(',');
}
