import type { Command } from 'commander';
import { readTriplets, writeTripletsJsonl } from '@tradetrace/adapters';
import { openStorage, runMigrations } from '@tradetrace/storage';
import { z } from 'zod';
import { addStorageFlags, parseOptions, StorageFlagsSchema, storageOptionsFrom } from '../cli-options.ts';

const ExportFlagsSchema = StorageFlagsSchema.extend({
  format: z.enum(['jsonl']),
  out: z.string().min(1).optional(),
});

export function registerExportCommand(program: Command): void {
  addStorageFlags(
    program
      .command('export')
      .description('export (decision, context, reward) triplets')
      .option('--format <format>', 'output format: jsonl', 'jsonl')
      .option('--out <file>', 'output file (default: standard output)'),
  ).action(async (raw: unknown) => {
    const flags = parseOptions(ExportFlagsSchema, raw);
    const storage = await openStorage(storageOptionsFrom(flags));
    try {
      // An empty folder has no tables yet: create them so the export says "0 triplets" rather than failing.
      await runMigrations(storage);
      const count = await writeTripletsJsonl(readTriplets(storage), flags.out ?? process.stdout);
      if (flags.out) process.stderr.write(`wrote ${count} triplets to ${flags.out}\n`);
    } finally {
      await storage.close();
    }
  });
}
