// `telemetry-netpol connlist` as a user runs it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { run } from '../helpers/cli.ts';

const scenario = (name: string) => join(import.meta.dirname, 'scenarios', name, 'input');

t.test('a missing path is an error with a clear message', async (t) => {
  const r = await run('connlist', scenario('workload-job'), '/no/such/manifests');
  t.not(r.code, 0);
  t.equal(r.stdout, '');
  t.equal(r.stderr.trim(), 'telemetry-netpol: no such file or directory: /no/such/manifests');
});

t.test('--reading picks how policies are read: the API\'s own (kubernetes) by default, or calico, or cilium', async (t) => {
  const name = 'reading-ip-block-peers-of-every-kind';
  const expected = (file: string, scenarioName = name) => readFileSync(join(import.meta.dirname, 'scenarios', scenarioName, file), 'utf8');
  t.equal((await run('connlist', '--reading', 'cilium', scenario(name))).stdout, expected('expected.txt'));
  t.equal((await run('connlist', '--reading', 'calico', scenario(name))).stdout, expected('expected.calico.txt'));
  t.not(expected('expected.txt'), expected('expected.calico.txt'));
  const hostNetwork = 'host-network-endpoints-are-open';
  t.equal((await run('connlist', scenario(hostNetwork))).stdout, expected('expected.kubernetes.txt', hostNetwork), 'by default a host-network pod is a pod, as netpol-analyzer reads it');
  t.equal((await run('connlist', '--reading', 'cilium', scenario(hostNetwork))).stdout, expected('expected.txt', hostNetwork));
  t.not(expected('expected.txt', hostNetwork), expected('expected.kubernetes.txt', hostNetwork));
  const bad = await run('connlist', '--reading', 'weave', scenario(name));
  t.equal(bad.code, 1);
  t.equal(bad.stdout, '');
  t.match(bad.stderr, /^error: option '--reading <reading>' argument 'weave' is invalid\. Allowed choices are calico, cilium, kubernetes\.\n/);
  t.notMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  const old = await run('connlist', '--ip-block-matches-pods', scenario(name));
  t.equal(old.code, 1);
  t.match(old.stderr, /^error: unknown option '--ip-block-matches-pods'/);
  const help = (await run('connlist', '--help')).stdout;
  t.match(help, /--reading <reading>\s+how policies are read: kubernetes, [^]*\(choices:\s+"calico",\s+"cilium",\s+"kubernetes",\s+default:\s+"kubernetes"\)/);
});

t.test('a malformed document is skipped with its file and line, the other documents of the file analyzed', async (t) => {
  const name = 'malformed-document-keeps-the-others';
  const r = await run('connlist', scenario(name));
  t.equal(r.code, 0);
  t.equal(r.stdout, readFileSync(join(import.meta.dirname, 'scenarios', name, 'expected.txt'), 'utf8'));
  const warnings = r.stderr.split('\n').filter(Boolean);
  t.equal(warnings.length, 1);
  t.match(warnings[0], /^warning: skipping .*\/input\/all\.yaml: cannot decode YAML\/JSON \(only the document at line 20: line 27, column 1: .+\)$/);
});

t.test('undecodable files and other kinds are skipped with warnings, the rest analyzed', async (t) => {
  const name = 'non-manifests-and-unknown-kinds-skipped';
  const r = await run('connlist', scenario(name));
  t.equal(r.code, 0);
  t.equal(r.stdout, readFileSync(join(import.meta.dirname, 'scenarios', name, 'expected.txt'), 'utf8'));
  t.match(r.stderr, /warning: skipping .*broken\.yaml: cannot decode YAML\/JSON/);
  t.match(r.stderr, /warning: skipping ConfigMap in .*all\.yaml: kind not analyzed/);
  t.match(r.stderr, /warning: skipping a document in .*scalar\.yaml: not a Kubernetes manifest/);
  t.notMatch(r.stderr, /README/);
});

t.test('formats', async (t) => {
  const input = scenario('both-sides-must-allow');
  const json = JSON.parse((await run('connlist', '--format', 'json', input)).stdout);
  t.same(json.find((row: { src: string }) => row.src === 'ns1/a[Pod]'), {
    src: 'ns1/a[Pod]', dst: 'ns1/t[Pod]', conn: 'TCP 443', ports: { TCP: [[443, 443]] },
  });
  const md = (await run('connlist', '-o', 'md', input)).stdout;
  t.match(md, /^\| src \| dst \| conn \|\n\|-----\|-----\|------\|\n/);
  t.match(md, /\| ns1\/a\[Pod\] \| ns1\/t\[Pod\] \| TCP 443 \|/);
  const dot = (await run('connlist', '-o', 'dot', input)).stdout;
  t.match(dot, /^digraph \{/);
  t.match(dot, /"ns1\/a\[Pod\]" -> "ns1\/t\[Pod\]" \[label="TCP 443"/);
  const svg = (await run('connlist', '-o', 'svg', input)).stdout;
  t.match(svg, /<svg[\s\S]*TCP 443[\s\S]*<\/svg>/);
  const bad = await run('connlist', '-o', 'pdf', input);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /unknown format "pdf"; use one of txt, json, md, dot, svg/);
});

t.test('--output writes a file; --ipv6 adds the IPv6 space', async (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'connlist-')), 'out.txt');
  const r = await run('connlist', '--ipv6', '--output', out, scenario('missing-namespace-is-default'));
  t.equal(r.stdout, '');
  t.match(readFileSync(out, 'utf8'), /default\/a\[Pod\] => ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\[External\] : All Connections/);
});
