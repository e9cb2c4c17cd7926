import type { Command } from 'commander';
import { z } from 'zod';
import { addStorageFlags, parseOptions, StorageFlagsSchema, withStoreAccess } from '../cli-options.ts';
import { addWindowFlags, WindowFlagsSchema } from './stats-command.ts';

const CompareFlagsSchema = StorageFlagsSchema.extend(WindowFlagsSchema.shape).extend({
  json: z.boolean().default(false),
  strategy: z.string().min(1).optional(),
  minTrades: z.coerce.number().int().positive().default(30),
  seed: z.coerce.number().int().default(1),
});

export function registerCompareCommand(program: Command): void {
  addStorageFlags(
    addWindowFlags(
      program
        .command('compare')
        .description('is version B really better than version A? bootstrap intervals, PSR/DSR and a verdict')
        .argument('<a>', 'incumbent version id')
        .argument('<b>', 'candidate version id')
        .option('--strategy <name>', 'strategy of both versions (default: looked up in the registry)')
        .option('--min-trades <n>', 'closed trades each side needs before a verdict', '30')
        .option('--seed <n>', 'bootstrap seed', '1')
        .option('--json', 'print the comparison as JSON'),
    ),
  ).action(async (a: string, b: string, raw: unknown) => {
    const flags = parseOptions(CompareFlagsSchema, raw);
    await withStoreAccess(flags, async (access) => {
      const { strategyName, comparison } = await access.run('compare', {
        a,
        b,
        strategy: flags.strategy,
        minTrades: flags.minTrades,
        seed: flags.seed,
        filter: { since: flags.since, until: flags.until, mode: flags.mode },
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${strategyName}: A = ${comparison.a.version} (${comparison.a.trades} trades), B = ${comparison.b.version} (${comparison.b.trades} trades)\nverdict: ${comparison.verdict}\n`,
      );
      for (const reason of comparison.reasons) process.stdout.write(`  - ${reason}\n`);
    });
  });
}
