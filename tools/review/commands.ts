// CLI: `telemetry-netpol explain`, `diff` and `matrix`, the tools for people reviewing a change.
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { UserError } from '../errors.ts';
import { countChanges, diffRef, diffValues, formatChanges } from './diff.ts';
import { explainText, parsePortArg } from './explain.ts';
import { buildMatrix, matrixMarkdown, matrixSvg, matrixTitle } from './matrix.ts';
import { messages } from './messages.ts';
import { presentPeersFor } from '../contract/index.ts';
import { istioApiVersion } from '../model/index.ts';
import { findPeer, fullValues, reviewValues } from './session.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Writes to stdout; a reader that stops early (`| head`) ends the command quietly. */
function write(text: string): void {
  if (process.stdout.listenerCount('error') === 0) {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  process.stdout.write(text);
}

/** `--help` text: every peer of the reference topology for the defaults, by key. */
function peerHelp(): string {
  const peers = presentPeersFor(fullValues([]));
  const width = Math.max(...peers.map((p) => p.key.length));
  return [
    '',
    'PEER: a peer of the flow contract\'s reference topology by key (shown for the defaults; the RMA, customer and',
    'backend peers move to the namespaces and CIDRs the values files name), namespace/name of one of its pods, or an',
    'IP address (a topology host\'s, else an address outside the cluster):',
    ...peers.map((p) => `  ${p.key.padEnd(width)}  ${p.kind.padEnd(7)}  ${p.display}`),
  ].join('\n');
}

export function registerReviewCommands(program: Command): void {
  program
    .command('explain')
    .description('whether one port is allowed between two peers under each CNI reading, and the policies and rules that decide it in each direction')
    .option('-f, --values <file>', 'a values file (repeatable, applied in order; none: the defaults)', collect, [])
    .requiredOption('--from <peer>', 'the source PEER')
    .requiredOption('--to <peer>', 'the destination PEER')
    .requiredOption('--port <port>', 'PORT or PORT/PROTOCOL, e.g. 8888/TCP, 53/UDP')
    .option('--existing <file>', 'NetworkPolicies already in the cluster (`kubectl get networkpolicies -A -o yaml`), added to the render (repeatable)', collect, [])
    .option('--istio-api', `render as for a cluster that serves Istio's API (--api-versions ${istioApiVersion})`)
    .addHelpText('after', peerHelp)
    .action(async (flags: { values: string[]; from: string; to: string; port: string; existing: string[]; istioApi?: boolean }) => {
      const port = parsePortArg(flags.port);
      const review = await reviewValues(flags.values, { existing: flags.existing, facts: { istioApi: flags.istioApi === true } });
      const { text } = explainText(review, findPeer(review, flags.from), findPeer(review, flags.to), port);
      write(text);
    });

  const f2 = new Option('--f2 <file>', 'values file of the second render (repeatable)').argParser(collect).default([]);
  f2.short = '-f2'; // commander takes only one-letter short flags; the brief's `-f2` is matched exactly
  f2.flags = '-f2, --f2 <file>';
  program
    .command('diff')
    .description('flows added (+) and removed (-) between two values files, or between the chart at a git ref and the working tree')
    .option('-f, --values <file>', 'values file of the first render (repeatable); with --ref: of both renders', collect, [])
    .addOption(f2)
    .option('--ref <ref>', 'compare the chart at this git ref (e.g. HEAD~1) with the working tree, same values')
    .option('--exit-code', 'exit 1 when there are differences')
    .action(async (flags: { values: string[]; f2: string[]; ref?: string; exitCode?: boolean }) => {
      if (flags.ref !== undefined && flags.f2.length) throw new UserError(messages.diffBothModes());
      if (flags.ref === undefined && !flags.f2.length) throw new UserError(messages.diffNeedsTwo());
      const changes = flags.ref !== undefined ? await diffRef(flags.ref, flags.values) : await diffValues(flags.values, flags.f2);
      const names = (files: string[]) => files.join(', ') || 'the defaults';
      const [before, after] = flags.ref !== undefined
        ? [`chart at ${flags.ref}`, 'working tree']
        : [names(flags.values), names(flags.f2)];
      const { added, removed } = countChanges(changes);
      write(`${formatChanges(changes)}${messages.diffSummary(added, removed, before, after)}\n`);
      if (flags.exitCode && changes.length) process.exitCode = 1;
    });

  program
    .command('matrix')
    .description('the module connectivity in the reference topology under both CNI readings: a Markdown table (md) or a diagram of the flows (svg)')
    .option('-f, --values <file>', 'a values file (repeatable, applied in order; none: the defaults)', collect, [])
    .option('--format <format>', 'md or svg', 'md')
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText('after', '\nThe defaults\' table and diagram in chart/README.md and chart/connectivity.svg are generated files: `npx telemetry-netpol generate` writes them.')
    .action(async (flags: { values: string[]; format: string; out?: string }) => {
      if (flags.format !== 'md' && flags.format !== 'svg') throw new UserError(messages.unknownMatrixFormat(flags.format));
      const matrix = buildMatrix(await reviewValues(flags.values));
      const text = flags.format === 'md' ? matrixMarkdown(matrix) : await matrixSvg(matrix, matrixTitle(flags.values));
      if (flags.out) writeFileSync(flags.out, text);
      else write(text);
    });
}
