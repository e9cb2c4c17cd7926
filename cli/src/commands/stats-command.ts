import type { Command } from 'commander';
import { z } from 'zod';
import { addStorageFlags, parseOptions, StorageFlagsSchema, withStoreAccess } from '../cli-options.ts';

/** `--since/--until/--mode`: the data window shared by stats, compare and report. */
export function addWindowFlags(command: Command): Command {
  return command
    .option('--since <time>', 'only data at or after this ISO 8601 time')
    .option('--until <time>', 'only data before this ISO 8601 time')
    .option('--mode <mode>', 'only live, paper or backtest data');
}

export const WindowFlagsSchema = z.object({
  since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' }).optional(),
  until: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z' }).optional(),
  mode: z.enum(['live', 'paper', 'backtest']).optional(),
});

/** Prints rows as an aligned text table. */
export function formatTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return `${[line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

export const fixed = (value: number | null, digits = 3): string => (value === null ? '–' : value.toFixed(digits));

const StatsFlagsSchema = StorageFlagsSchema.extend(WindowFlagsSchema.shape).extend({
  json: z.boolean().default(false),
  strategy: z.string().min(1).optional(),
  periodsPerYear: z.coerce.number().positive('must be a positive number of trades per year').optional(),
});

export function registerStatsCommand(program: Command): void {
  addStorageFlags(
    addWindowFlags(
      program
        .command('stats')
        .description('statistics per strategy version: win rate, Sharpe, Sortino, drawdown, PSR/DSR, min track record')
        .option('--json', 'print the JSON array (fixed field names, docs/analytics.md)')
        .option('--strategy <name>', 'only this strategy')
        .option('--periods-per-year <n>', 'annualize sharpe and sortino with this many trades per year'),
    ),
  ).action(async (raw: unknown) => {
    const flags = parseOptions(StatsFlagsSchema, raw);
    await withStoreAccess(flags, async (access) => {
      const stats = await access.run('stats', {
        since: flags.since,
        until: flags.until,
        mode: flags.mode,
        strategyName: flags.strategy,
        periodsPerYear: flags.periodsPerYear,
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        formatTable(
          [
            'strategy@version',
            'decisions',
            'trades',
            'win',
            'pnl',
            'sharpe',
            'sortino',
            'max_dd',
            'pf',
            'psr',
            'dsr',
            'min_trl',
            'reward',
          ],
          stats.map((s) => [
            `${s.strategy_name}@${s.strategy_version}`,
            String(s.decisions),
            String(s.trades),
            fixed(s.win_rate),
            fixed(s.total_pnl, 2),
            fixed(s.sharpe),
            fixed(s.sortino),
            fixed(s.max_drawdown),
            fixed(s.profit_factor, 2),
            fixed(s.psr),
            fixed(s.dsr),
            fixed(s.min_trl, 1),
            fixed(s.mean_reward, 4),
          ]),
        ),
      );
    });
  });
}
