// How an `ipBlock` peer is read. The NetworkPolicy API leaves it to the implementation whether an
// ipBlock matches addresses inside the cluster; the CNIs differ, so the analysis names its reading.
//
//   calico  an ipBlock matches every address in it: pods (by status.podIP/podIPs), host-network
//           endpoints (nodes, host-network pods) and external addresses.
//   cilium  an ipBlock matches only addresses outside the cluster: never a pod, never a host-network
//           endpoint (Cilium's default `policy-cidr-match-mode`; docs.cilium.io, policy language,
//           "Selecting nodes with CIDR / ipBlock").
//
// Under both, a rule without peers (absent or empty `from`/`to`) matches every peer of every kind,
// and pod and namespace selectors match pods only (never a host-network endpoint).
//
//   kubernetes  the NetworkPolicy API's own reading, as np-guard/netpol-analyzer implements it: an ipBlock
//           matches only external addresses, and a host-network pod is a pod like any other (the API leaves
//           host-network pods undefined; netpol-analyzer selects them). `connlist` uses it by default, so
//           that its output matches that tool's; the flow contract reads every policy under `calico` and
//           `cilium`, the two ways real clusters behave.
//
// The default is `cilium`: it is the Kubernetes documentation's intent for ipBlock ("particular IP
// CIDR ranges ... cluster-external IPs, since Pod IPs are ephemeral"), so a policy that works under it
// names pods and hosts by what they are, and a flow that needs Calico's reading shows up as missing.
import { UserError } from '../errors.ts';
import { messages } from './messages.ts';

export type Reading = 'calico' | 'cilium' | 'kubernetes';
/** The readings of the CNIs real clusters run: what the flow contract and `explain` evaluate under. */
export const READINGS: readonly Reading[] = ['calico', 'cilium'];
/** Every reading an analysis can take, the API's own (`kubernetes`, connlist's default) included. */
export const ALL_READINGS: readonly Reading[] = [...READINGS, 'kubernetes'];
export const DEFAULT_READING: Reading = 'cilium';

export interface AnalysisOptions {
  /** How an ipBlock peer is read (see above); default `cilium`. */
  readonly reading?: Reading;
}

/** The reading the options ask for; throws UserError for a name that is no reading. */
export function readingOf(options: AnalysisOptions): Reading {
  const reading = options.reading ?? DEFAULT_READING;
  if (!ALL_READINGS.includes(reading)) throw new UserError(messages.unknownReading(String(reading), ALL_READINGS));
  return reading;
}
