import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { renderReportHtml } from '@tradetrace/analytics';
import { z } from 'zod';
import { addStorageFlags, parseOptions, StorageFlagsSchema, withStoreAccess } from '../cli-options.ts';
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
    await withStoreAccess(flags, async (access) => {
      const data = await access.run('report', {
        filter: { since: flags.since, until: flags.until, mode: flags.mode },
        title: flags.title,
      });
      await writeFile(flags.out, renderReportHtml(data));
      process.stderr.write(
        `wrote ${resolve(flags.out)} (${data.versions.length} versions, ${data.comparisons.length} comparisons); open it in a browser, no network needed\n`,
      );
    });
  });
}
