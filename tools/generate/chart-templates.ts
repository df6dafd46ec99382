// Writes chart/templates: one policy file per workload, the baseline, the helpers and validate.yaml.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { moduleLabelKey, moduleLabelValue, shadowings, type AddressRule } from '../model/cross-field.ts';
import { exceptionPlaces, type Predicate } from '../model/exceptions.ts';
import { moduleDeletionLabels, moduleOwnPolicyNames, policyPrefix } from '../model/names.ts';
import { clusterDnsLabels, gardenerApiServerPort, istiod, kubeSystemLabels, otlpClientLabel, scrapingLabel, vpnShootLabels } from '../model/peers.ts';
import { baselinePolicies, componentPolicies, policies } from '../model/policies.ts';
import { cidrListPaths } from '../model/values.ts';
import { componentKeys, gatewayLayouts, podLabels, signals, workloads } from '../model/workloads.ts';
import { allOf, conditionExpr } from './helm-expressions.ts';

import { generatedHeader, type OutputFile } from './output-file.ts';
import { policyView } from './policy-view.ts';

const templatesDir = join(dirname(fileURLToPath(import.meta.url)), 'templates');
const hbs = Handlebars.create();
hbs.registerHelper('raw', (options: Handlebars.HelperOptions) => options.fn(undefined));
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));

function template(name: string): Handlebars.TemplateDelegate {
  return hbs.compile(readFileSync(join(templatesDir, name), 'utf8'), { noEscape: true, strict: true });
}

const source = 'tools/model';
const header = generatedHeader('helm', source);

/** Removes the blank lines the block helpers leave, so a policy template reads like a hand-written one. */
const tidy = (text: string) => text.replace(/\n\s*\n/g, '\n').replace(/^\n/, '').trimEnd() + '\n';
/** Keeps one blank line between the helpers' definitions. */
const squeeze = (text: string) => text.replace(/\n{3,}/g, '\n\n').replace(/^(.*\n)\n+/, '$1').trimEnd() + '\n';

/** A rule's ports as Helm expressions: the list, and whether it stands for every port. */
function portsExpr(rule: AddressRule): { list: string; all: string } {
  if ('fixed' in rule.ports) return { list: `(list ${rule.ports.fixed.join(' ')})`, all: 'false' };
  return { list: `.Values.${rule.ports.key}`, all: rule.ports.allWhenEmpty ? `(empty .Values.${rule.ports.key})` : 'false' };
}

/** When a rule allows every address: rendered, and without peers by design or with its CIDR list empty. */
function opensExpr(rule: AddressRule): string {
  const parts = [allOf(rule.when), rule.cidrsKey ? `(empty .Values.${rule.cidrsKey})` : null].filter((p) => p !== null);
  if (parts.length === 0) return 'true';
  return parts.length === 1 ? parts[0].replace(/^([^(].* .*)$/, '($1)') : `(and ${parts.join(' ')})`;
}

const shadowingViews = () => shadowings.map(({ restricted, open, pods }) => {
  const [a, b] = [portsExpr(restricted), portsExpr(open)];
  const portsKey = 'key' in restricted.ports ? restricted.ports.key : restricted.cidrsKey;
  return {
    restrictedKey: restricted.cidrsKey, openTitle: open.title, opens: opensExpr(open),
    a: a.list, aAll: a.all, b: b.list, bAll: b.all,
    pods: pods === 'module'
      ? [{ title: 'every module pod', deployed: 'true' }]
      : pods.map((k) => ({ title: `the ${workloads[k].title}`, deployed: conditionExpr({ deployed: k }) })),
    fix: open.cidrsKey ? `set ${open.cidrsKey}`
      : `list ports in ${portsKey} that it does not open${open.when.map((c) => ('flag' in c ? `, or set ${c.flag} to ${!c.is}` : '')).join('')}`,
  };
});

/** NOTES.txt reads which workloads the release serves from one dict, `$deployed`. */
const notePredicate = (p: Predicate) => ('empty' in p ? `(empty .Values.${p.empty})`
  : 'deployed' in p && p.deployed !== 'gateways' ? `$deployed.${p.deployed}` : conditionExpr(p));

const and = (terms: string[]) => (terms.length === 0 ? 'true' : terms.length === 1 ? terms[0] : `(and ${terms.join(' ')})`);

/** NOTES.txt: each exception with the Helm condition under which it is active (one of its places holds). */
const noteExceptions = () => exceptionPlaces().map(({ spec, places }) => {
  const terms = places.map((place) => [...new Set(place.map(notePredicate))]);
  // what every place requires is said once; then one of the places' own conditions
  const common = terms[0].filter((t) => terms.every((place) => place.includes(t)));
  const rest = [...new Set(terms.map((place) => and(place.filter((t) => !common.includes(t)))))];
  const condition = and(rest.includes('true') ? common : [...common, rest.length === 1 ? rest[0] : `(or ${rest.join(' ')})`]);
  return {
    id: spec.id, reason: spec.reason,
    condition: condition.replace(/^\((.*)\)$/, '$1'),
    closes: spec.closedBy ? `closed by: ${spec.closedBy}` : 'no value closes it',
  };
});

/** A label map as the lines of a matchLabels block (one per label; the template indents them), or as dict arguments. */
const labelLines = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join('\n      ');
const dictArgs = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `"${k}" "${v}"`).join(' ');

const peerLabelViews = () => ({
  otlpClientLabel: labelLines(otlpClientLabel),
  scrapingLabel: labelLines(scrapingLabel),
  kubeSystem: { gardener: labelLines(kubeSystemLabels.gardener), kubernetes: labelLines(kubeSystemLabels.kubernetes) },
  clusterDns: labelLines(clusterDnsLabels),
  istiod: { namespace: istiod.namespace, labels: labelLines(istiod.labels) },
  vpnShoot: { namespace: dictArgs(kubeSystemLabels.gardener), pods: dictArgs(vpnShootLabels) },
});

const layoutViews = () => gatewayLayouts.map((layout) => ({
  layout, components: componentKeys.filter((k) => workloads[k].layout === layout),
}));

export function chartTemplates(): OutputFile[] {
  const policy = template('policy.yaml.hbs');
  const render = (spec: (typeof baselinePolicies)[number], withHeader: boolean) =>
    tidy(policy({ header: withHeader ? header : '', policyPrefix, ...policyView(spec) }));
  return [
    { path: 'chart/templates/baseline.yaml', content: baselinePolicies.map((p, i) => render(p, i === 0)).join('---\n') },
    ...componentPolicies.map((spec) => ({ path: `chart/templates/${spec.suffix}.yaml`, content: render(spec, true) })),
    {
      path: 'chart/templates/_helpers.tpl',
      content: squeeze(template('_helpers.tpl.hbs')({
        header, policyPrefix, layouts: layoutViews(), modulePodLabels: JSON.stringify(componentKeys.map((k) => podLabels(workloads[k]))),
        ...peerLabelViews(),
      })),
    },
    {
      path: 'chart/templates/NOTES.txt',
      content: tidy(template('NOTES.txt.hbs')({
        header, policyPrefix, exceptions: noteExceptions(),
        deployed: componentKeys.map((k) => ({ key: k, expr: conditionExpr({ deployed: k }) })),
      })),
    },
    {
      path: 'chart/templates/_validation.tpl',
      content: squeeze(template('_validation.tpl.hbs')({
        header, policyPrefix,
        cidrLists: cidrListPaths().map((key) => ({ key })),
        signals,
        peerLists: [...signals.map((s) => `backends.${s}.inCluster`), 'webhooks.callers.pods'],
        shadowings: shadowingViews(),
        moduleLabelKey, moduleLabelValue, gardenerApiServerPort,
        moduleNames: moduleOwnPolicyNames,
        suffixes: policies.map((p) => p.suffix),
        deletionLabels: moduleDeletionLabels,
        extraRules: componentKeys.flatMap((k) => [
          { path: `components.${k}.extraIngress`, peers: 'from' },
          { path: `components.${k}.extraEgress`, peers: 'to' },
        ]),
      })),
    },
    { path: 'chart/templates/validate.yaml', content: tidy(template('validate.yaml.hbs')({ header })) },
  ];
}
