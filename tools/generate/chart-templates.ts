// Writes chart/templates: one policy file per workload, the baseline, the helpers and validate.yaml.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { baselinePolicies, componentPolicies } from '../model/policies.ts';
import { moduleLabelKey, moduleLabelValue, shadowings, type AddressRule } from '../model/cross-field.ts';
import { cidrListPaths } from '../model/values.ts';
import { generatedHeader, type OutputFile } from './output-file.ts';
import { policyView } from './policy-view.ts';

const templatesDir = join(dirname(fileURLToPath(import.meta.url)), 'templates');
const hbs = Handlebars.create();
hbs.registerHelper('raw', (options: Handlebars.HelperOptions) => options.fn(undefined));

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
  return { list: `$values.${rule.ports.key}`, all: rule.ports.allWhenEmpty ? `(empty $values.${rule.ports.key})` : 'false' };
}

const shadowingViews = () => shadowings.map(({ restricted, open }) => {
  const [a, b] = [portsExpr(restricted), portsExpr(open)];
  return {
    restrictedKey: restricted.cidrsKey, restrictedTitle: restricted.title, openKey: open.cidrsKey, openTitle: open.title,
    a: a.list, aAll: a.all, b: b.list, bAll: b.all,
  };
});

export function chartTemplates(): OutputFile[] {
  const policy = template('policy.yaml.hbs');
  const render = (spec: (typeof baselinePolicies)[number], withHeader: boolean) =>
    tidy(policy({ header: withHeader ? header : '', ...policyView(spec) }));
  const cidrLists = cidrListPaths().map((path) => ({ key: path, expr: `$values.${path}` }));
  return [
    { path: 'chart/templates/baseline.yaml', content: baselinePolicies.map((p, i) => render(p, i === 0)).join('---\n') },
    ...componentPolicies.map((spec) => ({ path: `chart/templates/${spec.suffix}.yaml`, content: render(spec, true) })),
    { path: 'chart/templates/_helpers.tpl', content: squeeze(template('_helpers.tpl.hbs')({ header })) },
    {
      path: 'chart/templates/_validation.tpl',
      content: squeeze(template('_validation.tpl.hbs')({ header, cidrLists, signals: ['logs', 'metrics', 'traces'], shadowings: shadowingViews(), moduleLabelKey, moduleLabelValue })),
    },
    { path: 'chart/templates/validate.yaml', content: tidy(template('validate.yaml.hbs')({ header })) },
  ];
}
