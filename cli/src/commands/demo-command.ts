import type { Command } from 'commander';
import { runDemo } from '@tradetrace/demo';
import { z } from 'zod';
import { parseOptions } from '../cli-options.ts';
import { QUERY_API_ROUTES } from '../query-api/query-api-routes.ts';

const DemoFlagsSchema = z.object({
  data: z.string().min(1),
  candles: z.coerce.number().int().min(30, 'needs at least 30 candles (the strategies warm up on 20)'),
  seed: z.coerce.number().int(),
  endpoint: z.url().optional(),
});

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the paper-trading demo end to end on the embedded engine')
    .option('--data <dir>', 'folder of the demo data (emptied first)', './data/demo')
    .option('--candles <n>', 'candles per symbol', '520')
    .option('--seed <n>', 'seed of the synthetic markets', '42')
    .option('--endpoint <url>', 'send to a running collector instead of starting one on the embedded engine')
    .action(async (raw: unknown) => {
      const flags = parseOptions(DemoFlagsSchema, raw);
      await runDemo({
        dataPath: flags.data,
        candles: flags.candles,
        seed: flags.seed,
        endpoint: flags.endpoint,
        openaiBaseUrl: process.env.OPENAI_BASE_URL || undefined,
        openaiApiKey: process.env.OPENAI_API_KEY || undefined,
        // The demo's collector serves what `tradetrace collector` serves: its versions register themselves.
        collectorRoutes: [...QUERY_API_ROUTES],
      });
    });
}
