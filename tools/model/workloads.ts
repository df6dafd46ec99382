// The eight workloads of the Telemetry module, as the upstream project labels and exposes them.

export const moduleLabel = { 'kyma-project.io/module': 'telemetry' } as const;

export type Signal = 'logs' | 'metrics' | 'traces';

export interface Port {
  port: number;
  purpose: 'metrics' | 'health' | 'webhooks' | 'otlp-grpc' | 'otlp-http' | 'api';
}

export interface Workload {
  /** key under `components.` in values.yaml */
  key: ComponentKey;
  /** value of app.kubernetes.io/name, also the suffix of its policy name */
  name: string;
  /** human name for comments and docs */
  title: string;
  /** policy name suffix: kyma-project.io--telemetry-<policy> */
  policy: string;
  labels: Record<string, string>;
  ports: Port[];
  /** the signal whose backends it exports to, if any */
  exports?: Signal;
  /** Istio injects a sidecar whose Envoy serves metrics on 15090 */
  istioSidecar: boolean;
}

export const componentKeys = [
  'manager', 'selfMonitor', 'fluentBit', 'logAgent', 'metricAgent', 'logGateway', 'metricGateway', 'traceGateway',
] as const;
export type ComponentKey = (typeof componentKeys)[number];

const otelPorts: Port[] = [{ port: 8888, purpose: 'metrics' }, { port: 13133, purpose: 'health' }];
const gatewayPorts: Port[] = [
  { port: 4317, purpose: 'otlp-grpc' }, { port: 4318, purpose: 'otlp-http' }, ...otelPorts,
];

function gateway(key: ComponentKey, signal: Signal, kind: 'log' | 'metric' | 'trace'): Workload {
  return {
    key, title: `OTel ${kind} gateway`, name: `telemetry-${kind}-gateway`, policy: `${kind}-gateway`,
    labels: { 'app.kubernetes.io/name': `telemetry-${kind}-gateway`, 'app.kubernetes.io/component': 'gateway' },
    ports: gatewayPorts, exports: signal, istioSidecar: true,
  };
}

export const workloads: Record<ComponentKey, Workload> = {
  manager: {
    key: 'manager', title: 'Telemetry Manager', name: 'manager', policy: 'manager',
    labels: {
      'app.kubernetes.io/name': 'manager', 'app.kubernetes.io/instance': 'telemetry',
      'control-plane': 'telemetry-manager', 'kyma-project.io/component': 'controller',
    },
    ports: [{ port: 8080, purpose: 'metrics' }, { port: 8081, purpose: 'health' }, { port: 9443, purpose: 'webhooks' }],
    istioSidecar: false,
  },
  selfMonitor: {
    key: 'selfMonitor', title: 'Self-Monitor (Prometheus)', name: 'telemetry-self-monitor', policy: 'self-monitor',
    labels: {
      'app.kubernetes.io/name': 'telemetry-self-monitor', 'app.kubernetes.io/component': 'monitor',
      'networking.kyma-project.io/metrics-scraping': 'allowed',
    },
    ports: [{ port: 9090, purpose: 'api' }],
    istioSidecar: false,
  },
  fluentBit: {
    key: 'fluentBit', title: 'Fluent Bit (log agent, legacy)', name: 'fluent-bit', policy: 'fluent-bit',
    labels: { 'app.kubernetes.io/name': 'fluent-bit', 'app.kubernetes.io/instance': 'telemetry' },
    ports: [{ port: 2020, purpose: 'metrics' }, { port: 2021, purpose: 'metrics' }],
    exports: 'logs', istioSidecar: true,
  },
  logAgent: {
    key: 'logAgent', title: 'OTel log agent', name: 'telemetry-log-agent', policy: 'log-agent',
    labels: { 'app.kubernetes.io/name': 'telemetry-log-agent', 'app.kubernetes.io/component': 'agent' },
    ports: otelPorts, exports: 'logs', istioSidecar: true,
  },
  metricAgent: {
    key: 'metricAgent', title: 'OTel metric agent', name: 'telemetry-metric-agent', policy: 'metric-agent',
    labels: {
      'app.kubernetes.io/name': 'telemetry-metric-agent', 'app.kubernetes.io/component': 'agent',
      'networking.kyma-project.io/metrics-scraping': 'allowed',
    },
    ports: otelPorts, exports: 'metrics', istioSidecar: true,
  },
  logGateway: gateway('logGateway', 'logs', 'log'),
  metricGateway: gateway('metricGateway', 'metrics', 'metric'),
  traceGateway: gateway('traceGateway', 'traces', 'trace'),
};

export const istioMetricsPort = 15090;

/** Every pod of the module carries the module label as well as its own. */
export function podLabels(w: Workload): Record<string, string> {
  return { ...moduleLabel, ...w.labels };
}

export const policyPrefix = 'kyma-project.io--telemetry-';
export const policyName = (suffix: string) => `${policyPrefix}${suffix}`;

export function metricsPorts(w: Workload): number[] {
  return w.ports.filter((p) => p.purpose === 'metrics').map((p) => p.port);
}
