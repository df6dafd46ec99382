// The chart's policy names, and the names the module gives its own policies: ours must never equal one of
// those, or `helm install` fails on an object the release does not own and the manager writes its spec back.
import type { Values } from './values.ts';
import { componentKeys, workloads } from './workloads.ts';

export const chartName = 'telemetry-netpol';
/** The release name the toolkit renders with; an admin's release name changes <fullname> the same way. */
export const defaultReleaseName = 'telemetry-netpol';
/** The Kyma naming convention for NetworkPolicies (upstream internal/resources/common/resources.go). */
export const policyPrefix = 'kyma-project.io--';

/** Helm's usual fullname: fullnameOverride, else the release name when it holds the chart name, else <release>-<name>. */
export function fullname(releaseName: string, v: Pick<Values, 'nameOverride' | 'fullnameOverride'>): string {
  const trim = (text: string) => text.slice(0, 63).replace(/-$/, ''); // trunc 63 | trimSuffix "-"
  if (v.fullnameOverride) return trim(v.fullnameOverride);
  const name = v.nameOverride || chartName;
  return trim(releaseName.includes(name) ? releaseName : `${releaseName}-${name}`);
}

export const policyName = (fullName: string, suffix: string) => `${policyPrefix}${fullName}-${suffix}`;

const moduleWorkloads = ['fluent-bit', 'log-agent', 'metric-agent', 'otlp-gateway', 'log-gateway', 'metric-gateway', 'trace-gateway', 'self-monitor'];

/**
 * Every NetworkPolicy name the Telemetry module creates in its namespace, both generations (with the OTLP gateway,
 * module 1.63 and later, and with the per-signal gateways before). From upstream kyma-project/telemetry-manager:
 * helm/templates/networkpolicy.yaml rendered as hack/release.sh does (release and nameOverride `telemetry`, so
 * its fullname is `telemetry`), and the builders' MakeNetworkPolicy(name) and WithNameSuffix("metrics") in
 * internal/resources/{fluentbit,otelcollector,selfmonitor} with the names of internal/resources/names/names.go.
 */
export const moduleOwnPolicyNames: readonly string[] = [
  `${policyPrefix}telemetry-manager`,
  `${policyPrefix}allow-telemetry-manager-webhooks`,
  `${policyPrefix}allow-telemetry-to-dns`,
  `${policyPrefix}allow-telemetry-to-apiserver`,
  `${policyPrefix}allow-telemetry-manager-metrics`,
  ...moduleWorkloads.flatMap((w) => [`${policyPrefix}telemetry-${w}`, `${policyPrefix}telemetry-${w}-metrics`]),
];

/**
 * The app.kubernetes.io/name values by which the manager deletes NetworkPolicies when it removes a workload
 * (DeleteObjectsByLabelSelector in its builders): the chart's own name label must be none of them.
 */
export const moduleDeletionLabels: readonly string[] = componentKeys.filter((k) => k !== 'manager').map((k) => workloads[k].name);
