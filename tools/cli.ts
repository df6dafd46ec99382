// One entry point for the toolkit: `npx telemetry-netpol <command>`.
// Each pipeline stage registers its own commands; this file only wires them and turns errors into
// messages a person can act on (a stack trace only with TELEMETRY_NETPOL_DEBUG=1).
import { Command, CommanderError } from 'commander';
import { UserError } from './errors.ts';
import { registerGenerateCommand } from './generated.ts';
import { registerAnalyzeCommands } from './analyze/commands.ts';
import { registerValidateCommands } from './validate/commands.ts';
import { registerReportCommands } from './report/commands.ts';
import { registerReviewCommands } from './review/commands.ts';
import { registerCheckCommand } from './report/check.ts';
import { registerProveCommands } from './prove/commands.ts';

const program = new Command('telemetry-netpol')
  .description('Generate, render, validate and analyze the Telemetry module network policies')
  .showHelpAfterError()
  .exitOverride();

registerGenerateCommand(program);
registerAnalyzeCommands(program);
registerValidateCommands(program);
registerReportCommands(program);
registerReviewCommands(program);
registerCheckCommand(program);
registerProveCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof UserError) {
    console.error(`telemetry-netpol: ${err.message}`);
    process.exit(err.exitCode);
  }
  console.error(`telemetry-netpol: internal error: ${(err as Error).message ?? err}`);
  if (process.env.TELEMETRY_NETPOL_DEBUG) console.error((err as Error).stack);
  process.exit(2);
}
