import type { Command } from 'commander';
import { parseOhlcvCsv, runBacktests } from '@tradetrace/analytics';
import { startCollector } from '@tradetrace/collector';
import { z } from 'zod';
import { readFlagFile, readFlagJson } from '../flag-files.ts';
import { parseOptions } from '../cli-options.ts';
import { findLocalCollector } from '../store-access/open-store-access.ts';
import { fixed, formatTable } from './stats-command.ts';

const BacktestFlagsSchema = z.object({
  bot: z.string().min(1, 'give the module that default-exports the bot'),
  csv: z.string().min(1),
  config: z.array(z.string().min(1)).min(1, 'give at least one --config file (one per version)'),
  symbol: z.string().min(1),
  seed: z.coerce.number().int(),
  feeRate: z.coerce.number().min(0).max(0.1),
  slippageBps: z.coerce.number().min(0).max(1000),
  notional: z.coerce.number().positive(),
  runId: z.string().min(1).optional(),
  endpoint: z.url().optional(),
  data: z.string().min(1),
  json: z.boolean().default(false),
});

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description(
      'replay OHLCV candles through a bot for several versions in parallel, traced with trading.mode=backtest',
    )
    .requiredOption('--bot <module>', 'module that default-exports a BacktestBot ({ strategy, decide })')
    .requiredOption('--csv <file>', 'candles: timestamp,open,high,low,close,volume')
    .requiredOption('--config <file...>', 'one JSON config file per version')
    .option('--symbol <symbol>', 'symbol of the candles', 'BTC/USDT')
    .option('--seed <n>', 'seed of the fill model', '1')
    .option('--fee-rate <fraction>', 'fee per fill as a fraction of notional', '0.001')
    .option('--slippage-bps <bps>', 'worst-case slippage per fill', '5')
    .option('--notional <quote>', 'quote notional per position', '1000')
    .option('--run-id <id>', 'prefix of decision ids (default backtest-<seed>)')
    .option('--endpoint <url>', 'send spans to this collector instead of an in-process one on --data')
    .option(
      '--data <dir>',
      'folder of the embedded engine when no --endpoint is given (its running collector receives the spans)',
      './data',
    )
    .option('--json', 'print the results as JSON')
    .action(async (raw: unknown) => {
      const flags = parseOptions(BacktestFlagsSchema, raw);
      const candles = parseOhlcvCsv(await readFlagFile(flags.csv, '--csv'), flags.csv);
      const configs = await Promise.all(flags.config.map((path) => readFlagJson(path, '--config')));
      // Without an endpoint the spans go to the collector that owns --data, or to one started here on it, so stats
      // and reports see them.
      const endpoint = flags.endpoint ?? (await findLocalCollector(flags.data))?.url;
      const collector = endpoint ? undefined : await startCollector({ dataPath: flags.data, port: 0 });
      try {
        const results = await runBacktests({
          botModule: flags.bot,
          configs,
          candles,
          symbol: flags.symbol,
          seed: flags.seed,
          runId: flags.runId,
          fill: { feeRate: flags.feeRate, slippageBps: flags.slippageBps, positionNotional: flags.notional },
          endpoint: endpoint ?? collector!.url,
        });
        const dropped = results.reduce((sum, r) => sum + r.droppedSpans, 0);
        if (dropped > 0)
          process.stderr.write(
            `warning: ${dropped} spans could not be delivered to the collector; stats for this run are incomplete\n`,
          );
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          formatTable(
            ['strategy@version', 'decisions', 'trades', 'win', 'total pnl'],
            results.map((r) => [
              `${r.strategyName}@${r.strategyVersion}`,
              String(r.decisions),
              String(r.trades.length),
              fixed(r.trades.length ? r.trades.filter((t) => t.realizedPnl > 0).length / r.trades.length : null),
              fixed(r.totalPnl, 2),
            ]),
          ),
        );
        process.stderr.write(
          `replayed ${candles.length} candles for ${results.length} versions (trading.mode=backtest)${collector ? `; spans stored in ${flags.data}: see \`tradetrace stats --mode backtest --data ${flags.data}\`` : ''}\n`,
        );
      } finally {
        await collector?.close();
      }
    });
}
