import { Command, CommanderError } from 'commander';
import { registerBacktestCommand } from './commands/backtest-command.ts';
import { registerCollectorCommand } from './commands/collector-command.ts';
import { registerCompareCommand } from './commands/compare-command.ts';
import { registerDemoCommand } from './commands/demo-command.ts';
import { registerExportCommand } from './commands/export-command.ts';
import { registerOptimizeCommand } from './commands/optimize-command.ts';
import { registerReportCommand } from './commands/report-command.ts';
import { registerStatsCommand } from './commands/stats-command.ts';
import { registerVersionsCommand } from './commands/versions-command.ts';

/** Builds the `tradetrace` command with every subcommand. */
export function buildProgram(): Command {
  const program = new Command('tradetrace')
    .description('Observability and learning pipeline for trading bots')
    .version('0.1.0')
    .option('--verbose', 'print the stack trace of an error')
    .showHelpAfterError()
    .exitOverride();
  registerCollectorCommand(program);
  registerExportCommand(program);
  registerDemoCommand(program);
  registerStatsCommand(program);
  registerCompareCommand(program);
  registerVersionsCommand(program);
  registerReportCommand(program);
  registerBacktestCommand(program);
  registerOptimizeCommand(program);
  return program;
}

/** Runs the CLI; returns the exit code. Errors are printed as one clear line, never as a stack trace. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const code = (error as { code?: unknown }).code;
    const catalogued = typeof code === 'string' && code.startsWith('TT_');
    // The code (docs/errors.md) ends the line, so a user can look it up and scripts can match it.
    const message =
      catalogued && !argv.includes('--verbose')
        ? `${(error as Error).message} (${code})`
        : String((error as Error).stack ?? error);
    process.stderr.write(`tradetrace: ${message}\n`);
    return 1;
  }
}
