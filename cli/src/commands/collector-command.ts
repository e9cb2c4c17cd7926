import type { Command } from 'commander';
import { startCollector } from '@tradetrace/collector';
import { pino } from 'pino';
import { z } from 'zod';
import { addStorageFlags, parseOptions, StorageFlagsSchema } from '../cli-options.ts';

const CollectorFlagsSchema = StorageFlagsSchema.extend({
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
});

export function registerCollectorCommand(program: Command): void {
  addStorageFlags(
    program
      .command('collector')
      .description('receive OTLP/HTTP traces (protobuf or JSON) and store them in ClickHouse')
      .option('--host <host>', 'interface to listen on', '127.0.0.1')
      .option('--port <port>', 'port to listen on', '4318'),
  ).action(async (raw: unknown) => {
    const flags = parseOptions(CollectorFlagsSchema, raw);
    const logger = pino({ name: 'tradetrace-collector' });
    const collector = await startCollector(
      {
        host: flags.host,
        port: flags.port,
        dataPath: flags.data,
        clickhouseUrl: flags.clickhouseUrl,
        clickhouseUser: flags.clickhouseUser,
        clickhousePassword: flags.clickhousePassword ?? process.env.CLICKHOUSE_PASSWORD,
        database: flags.database,
      },
      logger,
    );
    logger.info({ url: collector.url, storage: collector.storage.kind, database: collector.storage.database }, `collector listening on ${collector.url}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down: flushing accepted spans');
        collector.close().then(resolve, (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exitCode = 1;
          resolve();
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    logger.info('collector stopped');
  });
}
