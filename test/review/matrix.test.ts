// `matrix`: cells expected from DESIGN.md's flow table, the generated README section and SVG.
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildMatrix, matrixMarkdown, matrixSvg, readmeDrift, BEGIN, END, readmeCommand } from '../../tools/review/matrix.ts';
import { reviewValues } from '../../tools/review/session.ts';
import { landscape, root, run, xmlProblems } from './helpers.ts';

/** The Markdown table as `cell(row, column)`, by the aliases in the header and first column. */
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
const moduleAliases = ['manager', 'self-monitor', 'fluent-bit', 'log-agent', 'metric-agent', 'log-gateway', 'metric-gateway', 'trace-gateway'];

t.test('defaults: the table holds the phase 1 flows', async (t) => {
  const cell = parseTable(matrixMarkdown(buildMatrix(await reviewValues([]))));
  // ingress to the module
  t.equal(cell('rma-scraper', 'fluent-bit'), 'TCP 2020-2021', 'RMA scrapes both Fluent Bit metrics ports');
  t.equal(cell('rma-scraper', 'manager'), 'TCP 8080');
  t.equal(cell('rma-scraper', 'self-monitor'), 'TCP 9090');
  t.equal(cell('rma-scraper', 'log-agent'), 'TCP 8888');
  t.equal(cell('rma-scraper', 'log-gateway'), 'TCP 4317-4318,8888', 'metrics, and OTLP like any pod in phase 1');
  t.equal(cell('customer', 'trace-gateway'), 'TCP 4317-4318', 'any pod pushes OTLP in phase 1');
  t.equal(cell('customer', 'log-agent'), '—', 'agents take no OTLP');
  t.equal(cell('customer', 'manager'), '—');
  t.equal(cell('api-server', 'manager'), 'TCP 9443', 'webhooks from any address');
  t.equal(cell('outside', 'manager'), 'TCP 9443', 'which is any address: a recorded exception');
  // between module workloads
  t.equal(cell('self-monitor', 'fluent-bit'), 'TCP 2020', 'the self-monitor scrapes 2020 only');
  t.equal(cell('self-monitor', 'metric-gateway'), 'TCP 8888');
  t.equal(cell('self-monitor', 'manager'), 'TCP 9443', 'alerts');
  t.equal(cell('manager', 'self-monitor'), 'TCP 9090', 'alert queries');
  t.equal(cell('manager', 'log-gateway'), '—');
  t.equal(cell('log-gateway', 'trace-gateway'), '—');
  // egress of the module
  t.equal(cell('manager', 'kube-dns'), 'TCP 8053, UDP 8053', 'Gardener: CoreDNS behind the port-53 Service listens on 8053');
  t.equal(cell('manager', 'node-local-dns'), 'TCP 53,443, UDP 53', 'DNS and API server rules both admit any address');
  t.equal(cell('manager', 'backend-logs'), 'TCP 53,443, UDP 53', 'the manager exports nothing');
  t.equal(cell('log-agent', 'backend-logs'), 'all', 'unrestricted backends: every address, every port');
  t.equal(cell('trace-gateway', 'outside'), 'all');
  t.equal(cell('metric-agent', 'kubelet'), 'all');
  t.equal(cell('metric-agent', 'scrape-target'), 'all', 'phase 1: the metric agent scrapes any pod on any port');
  t.equal(cell('metric-agent', 'customer'), 'all');
  t.equal(cell('log-agent', 'customer'), '—');
  t.equal(cell('manager', 'manager'), '', 'a peer to itself is not evaluated');
  t.equal(cell('rma-scraper', 'customer'), '', 'pairs without a module workload are not the module\'s');
});

t.test('zero trust: the table holds the phase 2 flows', async (t) => {
  const cell = parseTable(matrixMarkdown(buildMatrix(await reviewValues([landscape('zero-trust')]))));
  t.equal(cell('customer', 'trace-gateway'), '—');
  t.equal(cell('customer-otlp', 'trace-gateway'), 'TCP 4317-4318');
  t.equal(cell('rma-scraper', 'log-gateway'), 'TCP 8888');
  t.equal(cell('log-agent', 'backend-logs'), 'TCP 443');
  t.equal(cell('log-agent', 'outside'), '—');
  t.equal(cell('trace-gateway', 'backend-traces'), 'TCP 4317');
  t.equal(cell('metric-gateway', 'backend-metrics'), 'TCP 443,4317');
  t.equal(cell('metric-gateway', 'backend-metrics-in-cluster'), 'TCP 9090');
  t.equal(cell('metric-agent', 'kubelet'), 'TCP 10250');
  t.equal(cell('metric-agent', 'customer'), '—', 'only labelled pods are scraped');
  t.equal(cell('metric-agent', 'scrape-target'), 'all');
  t.equal(cell('manager', 'node-local-dns'), 'TCP 53, UDP 53');
  t.equal(cell('manager', 'api-server'), 'TCP 443');
  t.equal(cell('outside', 'manager'), '—');
  t.equal(cell('api-server', 'manager'), 'TCP 9443');
});

t.test('the SVG is well-formed XML with a node per module workload', async (t) => {
  const svg = await matrixSvg(buildMatrix(await reviewValues([])), 'test');
  t.same(xmlProblems(svg), []);
  t.match(svg, /<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const nodeTitles = [...svg.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]*)<\/title>/g)].map((m) => decode(m[1]));
  for (const alias of moduleAliases) t.ok(nodeTitles.includes(alias), `node ${alias}`);
  t.ok(nodeTitles.includes('rma-scraper') && nodeTitles.includes('kube-dns'));
  t.ok(nodeTitles.includes('node-local-dns'), 'external addresses reached alike share one node, named after the first');
  t.same(xmlProblems('<a><b></a>'), ['</a> closes <b> at 6', 'unclosed elements: a'], 'the checker catches bad nesting');
  t.not(xmlProblems('<a x="1" x="2">&nbsp;</a>').length, 0, 'and duplicate attributes and unknown entities');
});

t.test('the README section and the SVG are up to date (run `npx telemetry-netpol matrix --readme`)', async (t) => {
  t.same(await readmeDrift(), []);
  const readme = readFileSync(join(root, 'chart/README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END));
  t.match(section, `\`${readmeCommand}\``, 'the section names the command that writes it');
  t.match(section, '![Connectivity with the defaults](connectivity.svg)');
  t.ok(readme.indexOf('<!-- END generated values table -->') < readme.indexOf(BEGIN), 'after the values table');
});

t.test('drift is detected in either file', async (t) => {
  const copy = mkdtempSync(join(tmpdir(), 'review-matrix-'));
  mkdirSync(join(copy, 'chart'));
  cpSync(join(root, 'chart/connectivity.svg'), join(copy, 'chart/connectivity.svg'));
  const readme = readFileSync(join(root, 'chart/README.md'), 'utf8');
  writeFileSync(join(copy, 'chart/README.md'), readme.replace('| `rma-scraper` | TCP 8080 |', '| `rma-scraper` | TCP 8081 |'));
  t.same(await readmeDrift(copy), ['chart/README.md']);
  writeFileSync(join(copy, 'chart/README.md'), readme);
  writeFileSync(join(copy, 'chart/connectivity.svg'), '<svg/>');
  t.same(await readmeDrift(copy), ['chart/connectivity.svg']);
});

t.test('CLI', async (t) => {
  const [md, check, bad, readmeWithValues] = await Promise.all([
    run('matrix', '-f', landscape('zero-trust')),
    run('matrix', '--readme', '--check'),
    run('matrix', '--format', 'png'),
    run('matrix', '--readme', '-f', landscape('zero-trust')),
  ]);
  t.equal(md.code, 0, md.stderr);
  t.match(md.stdout, /^\| from \\ to \| `manager` \|/);
  t.equal(check.code, 0, check.stderr);
  t.match(check.stdout, /up to date/);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--format "png": use md or svg/);
  t.equal(readmeWithValues.code, 1);
  t.match(readmeWithValues.stderr, /--readme writes chart\/README\.md .* it takes no -f/);
});
