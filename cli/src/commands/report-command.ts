import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { collectReportData, renderReportHtml } from '@tradetrace/analytics';
import { openStorage, runMigrations } from '@tradetrace/storage';
import { z } from 'zod';
import { addStorageFlags, parseOptions, StorageFlagsSchema, storageOptionsFrom } from '../cli-options.ts';
import { addWindowFlags, WindowFlagsSchema } from './stats-command.ts';

const ReportFlagsSchema = StorageFlagsSchema.extend(WindowFlagsSchema.shape).extend({
  out: z.string().min(1),
  title: z.string().min(1),
});

export function registerReportCommand(program: Command): void {
  addStorageFlags(
    addWindowFlags(
      program
        .command('report')
        .description(
          'one self-contained HTML page: equity, drawdown, rewards, win rate and Sharpe with intervals, LLM cost/latency, verdicts',
        )
        .option('--out <file>', 'where to write the page', 'report.html')
        .option('--title <text>', 'page title', 'tradetrace report'),
    ),
  ).action(async (raw: unknown) => {
    const flags = parseOptions(ReportFlagsSchema, raw);
    const storage = await openStorage(storageOptionsFrom(flags));
    try {
      await runMigrations(storage);
      const data = await collectReportData(
        storage,
        { since: flags.since, until: flags.until, mode: flags.mode },
        flags.title,
      );
      await writeFile(flags.out, renderReportHtml(data));
      process.stderr.write(
        `wrote ${resolve(flags.out)} (${data.versions.length} versions, ${data.comparisons.length} comparisons); open it in a browser, no network needed\n`,
      );
    } finally {
      await storage.close();
    }
  });
}
