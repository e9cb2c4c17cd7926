import type { Command } from 'commander';
import { compareVersions, listVersions, showVersion } from '@tradetrace/analytics';
import { openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { addStorageFlags, parseOptions, StorageFlagsSchema, storageOptionsFrom } from '../cli-options.ts';
import { addWindowFlags, WindowFlagsSchema } from './stats-command.ts';

const CompareFlagsSchema = StorageFlagsSchema.extend(WindowFlagsSchema.shape).extend({
  json: z.boolean().default(false),
  strategy: z.string().min(1).optional(),
  minTrades: z.coerce.number().int().positive().default(30),
  seed: z.coerce.number().int().default(1),
});

/** The strategy both versions belong to, from the registry, when --strategy is not given. */
async function strategyOf(storage: Storage, a: string, b: string): Promise<string> {
  const versions = await listVersions(storage);
  const names = new Set(
    versions.filter((v) => v.version.startsWith(a) || v.version.startsWith(b)).map((v) => v.strategyName),
  );
  if (names.size !== 1) throw new CliError(`cannot tell which strategy ${a} and ${b} belong to; pass --strategy NAME`);
  return [...names][0]!;
}

/** A registered version's full id from a prefix; an id only seen in spans is used as given. */
async function fullVersionId(storage: Storage, strategyName: string, version: string): Promise<string> {
  try {
    return (await showVersion(storage, strategyName, version)).version;
  } catch (error) {
    if ((error as { code?: string }).code === 'TT_ANALYTICS_VERSION_NOT_FOUND') return version;
    throw error;
  }
}

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
    const storage = await openStorage(storageOptionsFrom(flags));
    try {
      await runMigrations(storage);
      const strategyName = flags.strategy ?? (await strategyOf(storage, a, b));
      const comparison = await compareVersions(storage, {
        strategyName,
        a: await fullVersionId(storage, strategyName, a),
        b: await fullVersionId(storage, strategyName, b),
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
    } finally {
      await storage.close();
    }
  });
}
