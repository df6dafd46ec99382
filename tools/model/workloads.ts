// The workloads of the Telemetry module, labelled and exposed as the upstream module runs them
// (kyma-project/telemetry-manager 1.69: internal/resources/common/labels.go, internal/resources/names/names.go,
// the builders in internal/resources/{fluentbit,otelcollector,selfmonitor}, helm/templates/_helpers.tpl).
import { scrapingLabel as scraping } from './peers.ts';

/** Every pod of the module carries it (upstream ModuleLabels); the baseline policies select by it. */
export const moduleLabel = { 'kyma-project.io/module': 'telemetry' } as const;

export const signals = ['logs', 'metrics', 'traces'] as const;
export type Signal = (typeof signals)[number];
/** A signal as an adjective: the log backends, the metric agent. */
export const signalTitles: Record<Signal, string> = { logs: 'log', metrics: 'metric', traces: 'trace' };

export interface Port {
  port: number;
  purpose: 'metrics' | 'health' | 'webhooks' | 'otlp-grpc' | 'otlp-http' | 'api';
}

/** Which gateway generation a workload belongs to: the OTLP gateway since module 1.63, the per-signal ones before. */
/** The gateway layouts: one OTLP gateway for every signal (module 1.63 on), or one gateway per signal. */
export const gatewayLayouts = ['otlp', 'perSignal'] as const;
export type GatewayLayout = (typeof gatewayLayouts)[number];

export interface Workload {
  /** key under `components.` in values.yaml */
  key: ComponentKey;
  /** value of app.kubernetes.io/name */
  name: string;
  /** human name for comments and docs */
  title: string;
  /** suffix of its policy name: kyma-project.io--<fullname>-<policy> */
  policy: string;
  /** the labels upstream selects its pods by (Deployment/DaemonSet selector and its own NetworkPolicies) */
  selector: Record<string, string>;
  /** the labels its pods carry */
  labels: Record<string, string>;
  ports: Port[];
  /** the signals whose backends it exports to */
  exports: Signal[];
  /** upstream labels its pods sidecar.istio.io/inject: "true": with Istio an Envoy sidecar runs beside it */
  istioSidecar: boolean;
  /** gateways exist only in one layout */
  layout?: GatewayLayout;
}

export const componentKeys = [
  'manager', 'selfMonitor', 'fluentBit', 'logAgent', 'metricAgent', 'otlpGateway', 'logGateway', 'metricGateway', 'traceGateway',
] as const;
export type ComponentKey = (typeof componentKeys)[number];

const name = 'app.kubernetes.io/name';
const component = 'app.kubernetes.io/component';
/** upstream ModuleLabels, on every pod the manager creates */
const managedByManager = { 'app.kubernetes.io/part-of': 'telemetry', 'app.kubernetes.io/managed-by': 'telemetry-manager' };

const otelPorts: Port[] = [{ port: 8888, purpose: 'metrics' }, { port: 13133, purpose: 'health' }];
const gatewayPorts: Port[] = [{ port: 4317, purpose: 'otlp-grpc' }, { port: 4318, purpose: 'otlp-http' }, ...otelPorts];

function gateway(key: ComponentKey, baseName: string, title: string, exports: Signal[], layout: GatewayLayout): Workload {
  return {
    key, title, name: `telemetry-${baseName}`, policy: baseName, layout,
    selector: { [name]: `telemetry-${baseName}` },
    labels: { [name]: `telemetry-${baseName}`, [component]: 'gateway', ...managedByManager },
    ports: gatewayPorts, exports, istioSidecar: true,
  };
}

function agent(key: ComponentKey, baseName: string, title: string, exports: Signal[], extra: Record<string, string> = {}): Workload {
  return {
    key, title, name: `telemetry-${baseName}`, policy: baseName,
    selector: { [name]: `telemetry-${baseName}` },
    labels: { [name]: `telemetry-${baseName}`, [component]: 'agent', ...managedByManager, ...extra },
    ports: otelPorts, exports, istioSidecar: true,
  };
}

export const workloads: Record<ComponentKey, Workload> = {
  manager: {
    key: 'manager', title: 'Telemetry Manager', name: 'manager', policy: 'manager',
    // helm/templates/_helpers.tpl telemetry-manager.selectorLabels (immutable on existing Deployments)
    selector: {
      'app.kubernetes.io/instance': 'telemetry', [name]: 'manager',
      'control-plane': 'telemetry-manager', 'kyma-project.io/component': 'controller',
    },
    labels: {
      'app.kubernetes.io/instance': 'telemetry', [name]: 'manager', 'control-plane': 'telemetry-manager',
      'kyma-project.io/component': 'controller', [component]: 'controller',
      'app.kubernetes.io/managed-by': 'kyma', 'app.kubernetes.io/part-of': 'telemetry',
    },
    ports: [{ port: 8080, purpose: 'metrics' }, { port: 8081, purpose: 'health' }, { port: 9443, purpose: 'webhooks' }],
    exports: [], istioSidecar: false,
  },
  selfMonitor: {
    key: 'selfMonitor', title: 'Self-Monitor (Prometheus)', name: 'telemetry-self-monitor', policy: 'self-monitor',
    selector: { [name]: 'telemetry-self-monitor' },
    labels: { [name]: 'telemetry-self-monitor', [component]: 'monitor', ...managedByManager, ...scraping },
    ports: [{ port: 9090, purpose: 'api' }],
    exports: [], istioSidecar: false,
  },
  fluentBit: {
    key: 'fluentBit', title: 'Fluent Bit (log agent, legacy)', name: 'fluent-bit', policy: 'fluent-bit',
    // fluentbit/resources.go defaultFluentBitSelector: the name and app.kubernetes.io/instance: telemetry
    selector: { [name]: 'fluent-bit', 'app.kubernetes.io/instance': 'telemetry' },
    labels: { [name]: 'fluent-bit', 'app.kubernetes.io/instance': 'telemetry', [component]: 'agent', ...managedByManager },
    ports: [{ port: 2020, purpose: 'metrics' }, { port: 2021, purpose: 'metrics' }],
    exports: ['logs'], istioSidecar: true,
  },
  logAgent: agent('logAgent', 'log-agent', 'OTel log agent', ['logs']),
  metricAgent: agent('metricAgent', 'metric-agent', 'OTel metric agent', ['metrics'], scraping),
  otlpGateway: gateway('otlpGateway', 'otlp-gateway', 'OTLP gateway', [...signals], 'otlp'),
  logGateway: gateway('logGateway', 'log-gateway', 'OTel log gateway', ['logs'], 'perSignal'),
  metricGateway: gateway('metricGateway', 'metric-gateway', 'OTel metric gateway', ['metrics'], 'perSignal'),
  traceGateway: gateway('traceGateway', 'trace-gateway', 'OTel trace gateway', ['traces'], 'perSignal'),
};

/** The self-monitor scrapes the gateways of either generation by their component label (upstream selfmonitor/resources.go). */
export const gatewaySelector = { [component]: 'gateway' } as const;

export const istioMetricsPort = 15090;

/** Every pod of the module carries the module label as well as its own. */
export function podLabels(w: Workload): Record<string, string> {
  return { ...moduleLabel, ...w.labels };
}

export function metricsPorts(w: Workload): number[] {
  return w.ports.filter((p) => p.purpose === 'metrics').map((p) => p.port);
}

/** The workloads exporting a signal's data. */
export const exportersOf = (signal: Signal): ComponentKey[] => componentKeys.filter((k) => workloads[k].exports.includes(signal));
