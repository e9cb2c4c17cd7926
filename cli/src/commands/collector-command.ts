import type { Command } from 'commander';
import {
  CollectorConfigError,
  collectorConfigEnvName,
  collectorConfigFromEnvironment,
  CollectorConfigSchema,
  readCollectorConfigFile,
  startCollector,
  type CollectorConfig,
} from '@tradetrace/collector';
import { pino } from 'pino';
import { addStoreFlags } from '../cli-options.ts';
import { QUERY_API_ROUTES } from '../query-api/query-api-routes.ts';
import { describeIssues, flagOf } from '../zod-issues.ts';

/** Flags that map one-to-one onto collector configuration fields (flag name → field). */
const FLAG_FIELDS = {
  host: 'host',
  port: 'port',
  data: 'dataPath',
  clickhouseUrl: 'clickhouseUrl',
  clickhouseUser: 'clickhouseUser',
  clickhousePassword: 'clickhousePassword',
  database: 'database',
  authTokensFile: 'authTokensFile',
  bodyLimitBytes: 'bodyLimitBytes',
  maxItemsPerRequest: 'maxItemsPerRequest',
  maxAttributesPerItem: 'maxAttributesPerItem',
  maxAttributeValueLength: 'maxAttributeValueLength',
  maxNameLength: 'maxNameLength',
  maxJsonContainersPerRequest: 'maxJsonContainersPerRequest',
  maxConcurrentRequests: 'maxConcurrentRequests',
  spoolMaxBytes: 'spoolMaxBytes',
  maxBatchRows: 'maxBatchRows',
  minBatchRows: 'minBatchRows',
  maxBatchDelayMs: 'maxBatchDelayMs',
  maxMemoryRows: 'maxMemoryRows',
  ackWaitBacklogRows: 'ackWaitBacklogRows',
  ackWaitForInsertMs: 'ackWaitForInsertMs',
  shutdownTimeoutMs: 'shutdownTimeoutMs',
  healthIntervalMs: 'healthIntervalMs',
} as const satisfies Record<string, keyof CollectorConfig>;

export function registerCollectorCommand(program: Command): void {
  addStoreFlags(
    program
      .command('collector')
      .description(
        'receive OTLP/HTTP traces and logs (protobuf or JSON), spool them durably and store them in ClickHouse',
      )
      .option('--config <file>', 'JSON configuration file (field names as in docs/collector.md)')
      .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
      .option('--port <port>', 'port to listen on, 0 for any (default 4318)')
      .option('--auth-tokens-file <file>', 'bearer tokens, one per line (also TRADETRACE_AUTH_TOKENS)')
      .option('--body-limit-bytes <n>', 'largest request body, compressed or not (default 20 MiB)')
      .option('--max-items-per-request <n>', 'spans or log records per request (default 100000)')
      .option('--max-attributes-per-item <n>', 'attributes kept per span/event/log record (default 256)')
      .option('--max-attribute-value-length <n>', 'longest attribute value kept, in characters (default 1 MiB)')
      .option('--max-name-length <n>', 'longest span, event or service name kept, in characters (default 1024)')
      .option(
        '--max-json-containers-per-request <n>',
        'objects and arrays in one OTLP/JSON body, checked before parsing (default: one per 10 bytes of the body limit)',
      )
      .option('--max-concurrent-requests <n>', 'requests processed at once before 429 (default 64)')
      .option('--spool-max-bytes <n>', 'disk budget of the write-ahead spool before 503 (default 1 GiB)')
      .option('--max-batch-rows <n>', 'rows per INSERT at most (default 100000)')
      .option('--min-batch-rows <n>', 'rows waiting at which an INSERT starts at once (default 65536)')
      .option('--max-batch-delay-ms <ms>', 'longest rows wait for more to join their INSERT (default 1000)')
      .option('--max-memory-rows <n>', 'decoded rows kept in memory for inserts (default 200000)')
      .option(
        '--ack-wait-backlog-rows <n>',
        'rows queued behind the INSERT in flight above which an answer also waits until an INSERT takes rows off the queue; 0: always wait for its own INSERT (default 65536)',
      )
      .option('--ack-wait-for-insert-ms <n>', 'longest such wait; 0: answer once spooled (default 2000)')
      .option('--shutdown-timeout-ms <n>', 'how long SIGTERM keeps inserting the spool (default 10000)')
      .option(
        '--health-interval-ms <n>',
        'how often the collector writes its own metrics to the collector_metrics table; 0: never (default 15000)',
      ),
  ).action(async (raw: Record<string, unknown>, command: Command) => {
    const config = resolveConfig(raw, command);
    const logger = pino({ name: 'tradetrace-collector' });
    const collector = await startCollector(config, { logger, routes: QUERY_API_ROUTES });
    logger.info(
      { url: collector.url, storage: collector.storage.kind, database: collector.storage.database },
      `collector listening on ${collector.url}`,
    );
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down: refusing new requests, inserting the spool');
        // Everything acknowledged is in the spool already: if ClickHouse hangs, leaving is safe, and the rest is replayed at the next start.
        setTimeout(() => {
          logger.warn('shutdown took too long; exiting with the rest in the spool');
          resolve();
        }, collector.config.shutdownTimeoutMs + 5_000).unref();
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
    logger.flush();
  });
}

/** File, then environment, then flags given on the command line (commander defaults do not override the others). */
function resolveConfig(raw: Record<string, unknown>, command: Command): CollectorConfig {
  const fromFile = typeof raw.config === 'string' ? readCollectorConfigFile(raw.config) : {};
  const fromEnvironment = collectorConfigFromEnvironment(process.env);
  const fromFlags: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(FLAG_FIELDS)) {
    if (raw[flag] !== undefined && command.getOptionValueSource(flag) !== 'default') fromFlags[field] = raw[flag];
  }
  const merged = { dataPath: raw.data, database: raw.database, ...fromFile, ...fromEnvironment, ...fromFlags };
  const result = CollectorConfigSchema.safeParse(merged);
  if (!result.success) {
    // Name the value where the user set it: the flag, else the environment variable (the file's values were
    // checked, with the file named, when it was read).
    const sourceOf = (field: PropertyKey | undefined) => {
      const key = String(field);
      if (key in fromEnvironment && !(key in fromFlags)) return collectorConfigEnvName(key);
      return flagOf(Object.entries(FLAG_FIELDS).find(([, f]) => f === field)?.[0] ?? key);
    };
    throw new CollectorConfigError(
      `invalid collector configuration: ${describeIssues(result.error, (path) => sourceOf(path[0]))}`,
    );
  }
  return merged as CollectorConfig;
}
