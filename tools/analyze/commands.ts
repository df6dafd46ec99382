// CLI: `telemetry-netpol connlist PATH...`.
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { UserError } from '../errors.ts';
import { buildCluster } from './cluster.ts';
import { connlist } from './connlist.ts';
import { FORMATS, FORMAT_NAMES, isFormatName } from './format/index.ts';
import { loadManifests } from './manifests.ts';
import { messages } from './messages.ts';
import { ALL_READINGS, type Reading } from './reading.ts';

interface ConnlistFlags {
  format: string;
  output?: string;
  reading: Reading;
  ipv6?: boolean;
}

export function registerAnalyzeCommands(program: Command): void {
  program
    .command('connlist')
    .description('List every connection the NetworkPolicies allow between workloads, nodes and external addresses')
    .argument('<paths...>', 'manifest files or folders (YAML or JSON, folders read recursively)')
    .option('-o, --format <format>', `output format: ${FORMAT_NAMES.join(', ')}`, 'txt')
    .option('-f, --output <file>', 'write to a file instead of stdout')
    .addOption(
      new Option(
        '--reading <reading>',
        'how policies are read: kubernetes, the API as np-guard/netpol-analyzer reads it (an ipBlock matches only ' +
          'outside addresses, host-network pods are pods); cilium, host-network pods are hosts, which no policy selects ' +
          'and no ipBlock matches; calico, host-network pods are hosts, and an ipBlock matches every address in it, ' +
          'pods and hosts included',
      )
        .choices(ALL_READINGS)
        .default('kubernetes'),
    )
    .option('--ipv6', 'show the IPv6 address space even when no ipBlock is IPv6')
    .action(async (paths: string[], flags: ConnlistFlags) => {
      if (!isFormatName(flags.format)) throw new UserError(messages.unknownFormat(flags.format, FORMAT_NAMES));
      const { objects, warnings } = loadManifests(paths);
      const cluster = buildCluster(objects);
      const result = connlist(cluster, { reading: flags.reading, includeIPv6: flags.ipv6 });
      for (const warning of [...warnings, ...cluster.warnings, ...result.warnings]) console.error(`warning: ${warning}`);
      const text = await FORMATS[flags.format](result.connections);
      if (flags.output) writeFileSync(flags.output, text);
      else process.stdout.write(text);
    });
}
