// `matrix`: cells expected from DESIGN.md's flow table, the generated README section and SVG.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ConnectionSet } from '../../tools/analyze/index.ts';
import { buildMatrix, cellText, matrixMarkdown, matrixSvg, replaceSection, BEGIN, END } from '../../tools/review/matrix.ts';
import { reviewValues } from '../../tools/review/session.ts';
import { landscape, root, run, xmlProblems } from './helpers.ts';

/** The Markdown table as `cell(row, column)`, by the peer keys in the header and first column. */
function parseTable(markdown: string): (src: string, dst: string) => string {
  const rows = markdown.split('\n\n')[0].split('\n').filter((l) => l.startsWith('| ')); // the matrix, not the legend
  const split = (l: string) => l.slice(2, -2).split(' | ').map((c) => c.replace(/`/g, '').trim());
  const header = split(rows[0]);
  const body = new Map(rows.slice(1).map((l) => split(l)).map((cells) => [cells[0], cells]));
  return (src, dst) => {
    const row = body.get(src);
    const j = header.indexOf(dst);
    if (!row || j < 0) throw new Error(`no cell ${src} -> ${dst}`);
    return row[j];
  };
}

const decode = (text: string) => text.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
const moduleKeys = ['manager', 'selfMonitor', 'fluentBit', 'logAgent', 'metricAgent', 'otlpGateway'];
/** What every module pod may reach of any peer in phase 1 on Gardener: DNS (node-local-dns, any peer) and the API server. */
const baseline = 'TCP 53,443, UDP 53';
/** The chart's defaults, rendered once for the table and the diagram. */
const defaults = reviewValues([]);

t.test('defaults: the table holds the phase 1 flows on Gardener', async (t) => {
  const cell = parseTable(matrixMarkdown(buildMatrix(await defaults)));
  // ingress to the module
  t.equal(cell('rmaScraper', 'fluentBit'), 'TCP 2020-2021', 'RMA scrapes both Fluent Bit metrics ports');
  t.equal(cell('rmaScraper', 'manager'), 'TCP 8080');
  t.equal(cell('rmaScraper', 'selfMonitor'), 'TCP 9090');
  t.equal(cell('rmaScraper', 'logAgent'), 'TCP 8888');
  t.equal(cell('rmaScraper', 'otlpGateway'), 'TCP 4317-4318,8888', 'metrics, and OTLP like any pod in phase 1');
  t.equal(cell('customerPlain', 'otlpGateway'), 'TCP 4317-4318', 'any pod pushes OTLP in phase 1');
  t.equal(cell('customerPlain', 'logAgent'), '—', 'agents take no OTLP');
  t.equal(cell('customerPlain', 'manager'), '—');
  t.equal(cell('vpnShoot', 'manager'), 'TCP 9443', 'webhooks through the vpn-shoot pods');
  t.equal(cell('outside', 'manager'), '—', 'and from nowhere else');
  t.equal(cell('node', 'manager'), '—', 'no host-network endpoint calls the webhooks on Gardener');
  // between module workloads
  t.equal(cell('selfMonitor', 'fluentBit'), 'TCP 2020', 'the self-monitor scrapes 2020 only');
  t.equal(cell('selfMonitor', 'otlpGateway'), 'TCP 8888');
  t.equal(cell('selfMonitor', 'manager'), 'TCP 9443', 'alerts');
  t.equal(cell('manager', 'selfMonitor'), 'TCP 9090', 'alert queries');
  t.equal(cell('manager', 'otlpGateway'), '—');
  // egress of the module
  t.equal(cell('manager', 'kubeDns'), 'TCP 53,443,8053, UDP 53,8053', 'CoreDNS on 8053 behind the port-53 Service, and the rules to every peer');
  t.equal(cell('manager', 'nodeLocalDns'), baseline, 'node-local-dns on the host network: 53, and 443 to every address');
  t.equal(cell('manager', 'apiserverProxy'), baseline);
  t.equal(cell('manager', 'backend.logs'), baseline, 'the manager exports nothing');
  t.equal(cell('logAgent', 'backend.logs'), 'all', 'unrestricted backends: every address, every port');
  t.equal(cell('otlpGateway', 'metadata'), 'all', 'phase 1 as the ADR decided');
  t.equal(cell('metricAgent', 'node'), 'all');
  t.equal(cell('metricAgent', 'scrapeTarget'), 'all', 'phase 1: the metric agent scrapes any pod on any port');
  t.equal(cell('manager', 'manager'), '', 'a peer to itself is not evaluated');
  t.equal(cell('rmaScraper', 'customerPlain'), '', 'pairs without a module workload are not the module\'s');
});

t.test('Gardener zero trust: the table holds the phase 2 flows', async (t) => {
  const cell = parseTable(matrixMarkdown(buildMatrix(await reviewValues(landscape('gardener-zero-trust')))));
  t.equal(cell('customerPlain', 'otlpGateway'), '—');
  t.equal(cell('customerOtlp', 'otlpGateway'), 'TCP 4317-4318');
  t.equal(cell('rmaScraper', 'otlpGateway'), 'TCP 8888');
  t.equal(cell('logAgent', 'backend.logs'), baseline, 'the log backends listen on 443, open to every address on Gardener');
  t.equal(cell('logAgent', 'metadata'), baseline, 'no other port');
  t.equal(cell('otlpGateway', 'backend.traces'), 'TCP 53,443,4317, UDP 53', 'the trace backends on 4317');
  t.equal(cell('otlpGateway', 'outside'), baseline, 'and 4317 nowhere else');
  t.equal(cell('metricAgent', 'node'), 'TCP 53,443,10250, UDP 53', 'the kubelet');
  t.equal(cell('metricAgent', 'customerPlain'), 'TCP 53,443,10250, UDP 53', 'only labelled pods are scraped; 10250 is open to every peer');
  t.equal(cell('metricAgent', 'manager'), '—', 'the module is no scrape target outside rma.namespaces');
  t.equal(cell('metricAgent', 'scrapeTarget'), 'all');
  t.equal(cell('vpnShoot', 'manager'), 'TCP 9443');
  t.equal(cell('outside', 'manager'), '—');
});

t.test('a cell says what each reading allows where they differ', async (t) => {
  t.equal(cellText([ConnectionSet.of('TCP', 443), ConnectionSet.of('TCP', 443)]), 'TCP 443');
  t.equal(cellText([ConnectionSet.of('TCP', 9411), ConnectionSet.NONE]), 'calico: TCP 9411; cilium: —');
  t.equal(cellText([ConnectionSet.ALL, ConnectionSet.ALL]), 'all');
  t.equal(cellText(undefined), '');
});

t.test('the SVG is well-formed XML with a node per module workload', async (t) => {
  const svg = await matrixSvg(buildMatrix(await defaults), 'test');
  t.same(xmlProblems(svg), []);
  t.match(svg, /<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const nodeTitles = [...svg.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]*)<\/title>/g)].map((m) => decode(m[1]));
  for (const key of moduleKeys) t.ok(nodeTitles.includes(key), `node ${key}`);
  t.ok(nodeTitles.includes('rmaScraper') && nodeTitles.includes('kubeDns'));
  t.ok(nodeTitles.includes('node'), 'host-network endpoints reached alike share one node, named after the first');
  t.notOk(nodeTitles.includes('nodeLocalDns') || nodeTitles.includes('apiserverProxy'), 'node-local-dns and apiserver-proxy are in the node\'s box');
  t.same(xmlProblems('<a><b></a>'), ['</a> closes <b> at 6', 'unclosed elements: a'], 'the checker catches bad nesting');
  t.not(xmlProblems('<a x="1" x="2">&nbsp;</a>').length, 0, 'and duplicate attributes and unknown entities');
});

t.test('the README section names the command that writes it and shows the diagram', async (t) => {
  const readme = readFileSync(join(root, 'chart/README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END));
  t.match(section, '`npx telemetry-netpol generate`', 'the section names the command that writes it');
  t.match(section, '![Connectivity with the defaults](connectivity.svg)');
  t.ok(readme.indexOf('<!-- END generated values table -->') < readme.indexOf(BEGIN), 'after the values table');
  t.throws(() => replaceSection('no markers here', 'x'), /must hold the markers/);
});

t.test('CLI', async (t) => {
  const [md, bad] = await Promise.all([
    run('matrix', '-f', ...landscape('gardener-zero-trust')),
    run('matrix', '--format', 'png'),
  ]);
  t.equal(md.code, 0, md.stderr);
  t.match(md.stdout, /^\| from \\ to \| `manager` \|/);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--format "png": use md or svg/);
});
