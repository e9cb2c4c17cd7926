import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadAuthTokens } from './auth/auth-tokens.ts';
import { createRequestAuthorizer, type RequestAuthorizer } from './auth/request-authorizer.ts';
import { parseCollectorConfig, type CollectorConfig, type ResolvedCollectorConfig } from './collector-config.ts';
import { AddressInUseError } from './http/address-in-use-error.ts';
import { buildCollectorApp } from './http/collector-app.ts';
import { createClickHouseRowSink } from './ingest/clickhouse-row-sink.ts';
import { DurableIngest } from './ingest/durable-ingest.ts';
import type { RowSink } from './ingest/row-sink.ts';
import { createCollectorMetrics, type CollectorMetrics } from './metrics/collector-metrics.ts';
import { sampleEngineMemory, type EngineMemorySampler } from './metrics/engine-memory-gauge.ts';
import { startHealthHistory } from './metrics/health-history-recorder.ts';
import type { IngestLimits } from './otlp/ingest-limits.ts';
import { WriteAheadSpool } from './spool/write-ahead-spool.ts';
import { newLocalCredential, writeLocalAccessFile } from './local-access/local-access-file.ts';

/** What an extra route plugin gets: the open storage, to query the tables the collector writes. */
export interface CollectorRouteContext {
  storage: Storage;
  logger?: Logger;
  /** Checks credentials; routes that change data call `authenticateAdmin`. */
  authorizer: RequestAuthorizer;
  /** The collector's data folder (spool, dead letters, the embedded engine), for files a route writes. */
  dataPath: string;
}

/** Extra routes on the collector's server, e.g. the CLI's query API under `/api/` (read token when auth is on). */
export type CollectorRoutePlugin = (app: FastifyInstance, context: CollectorRouteContext) => void | Promise<void>;

export interface StartCollectorOptions {
  logger?: Logger;
  routes?: readonly CollectorRoutePlugin[];
  /** Wraps the ClickHouse sink, e.g. with a fault injector in tests. */
  wrapSink?: (sink: RowSink) => RowSink;
}

export interface RunningCollector {
  /** Base URL, e.g. http://127.0.0.1:4318 */
  readonly url: string;
  readonly storage: Storage;
  readonly metrics: CollectorMetrics;
  readonly config: ResolvedCollectorConfig;
  /** Resolves true once every spooled request is in ClickHouse, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Stops accepting, inserts the spool for up to `shutdownTimeoutMs` (the rest stays spooled), closes the engine. Idempotent. */
  close(): Promise<void>;
}

/** Longest wait at shutdown for the last health sample to be written. */
const HEALTH_STOP_TIMEOUT_MS = 2_000;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** The loud warning for a collector reachable from other machines without authentication; undefined when safe. */
export function insecureBindingWarning(host: string, authEnabled: boolean): string | undefined {
  if (authEnabled || LOOPBACK.test(host)) return undefined;
  return `WARNING: the collector listens on ${host} WITHOUT authentication: anyone who can reach this address can write telemetry. Set --auth-tokens-file or TRADETRACE_AUTH_TOKENS, or bind to 127.0.0.1.`;
}

/** The address tools on this machine use: loopback when the collector listens on every interface. */
function localUrl(address: AddressInfo): string {
  const host =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.address === '::'
        ? '[::1]'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address;
  return `http://${host}:${address.port}`;
}

/** Opens storage (migrating the schema) and the spool, replays what a previous run left, then serves OTLP/HTTP until closed. */
export async function startCollector(
  config: CollectorConfig,
  options: StartCollectorOptions = {},
): Promise<RunningCollector> {
  const resolved = parseCollectorConfig(config);
  const { logger } = options;
  const localCredential = newLocalCredential();
  const authorizer = createRequestAuthorizer(
    loadAuthTokens({ file: resolved.authTokensFile, list: resolved.authTokens }),
    { localCredential },
  );
  const warning = insecureBindingWarning(resolved.host, authorizer.enabled);
  if (warning) {
    if (logger) logger.warn({ host: resolved.host }, warning);
    else process.emitWarning(warning);
  }
  const storage = await openStorage(
    resolved.clickhouseUrl
      ? {
          url: resolved.clickhouseUrl,
          database: resolved.database,
          username: resolved.clickhouseUser,
          password: resolved.clickhousePassword,
        }
      : { dataPath: resolved.dataPath, database: resolved.database },
  );
  let app: FastifyInstance | undefined;
  let ingest: DurableIngest | undefined;
  let engineMemory: EngineMemorySampler | undefined;
  try {
    const applied = await runMigrations(storage);
    if (applied.length > 0) logger?.info({ applied }, 'schema migrated');
    const metrics = createCollectorMetrics();
    engineMemory = sampleEngineMemory(metrics.registry, storage);
    const limits: IngestLimits = {
      maxItemsPerRequest: resolved.maxItemsPerRequest,
      maxAttributesPerItem: resolved.maxAttributesPerItem,
      maxAttributeValueLength: resolved.maxAttributeValueLength,
      maxNameLength: resolved.maxNameLength,
      maxJsonContainersPerRequest: resolved.maxJsonContainersPerRequest,
    };
    const realSink = createClickHouseRowSink(storage);
    const spool = await WriteAheadSpool.open({
      dir: join(resolved.dataPath, 'spool'),
      maxBytes: resolved.spoolMaxBytes,
    });
    if (spool.waiting.length > 0)
      logger?.info(
        { records: spool.waiting.length, bytes: spool.bytes },
        'replaying the spool left by the previous run',
      );
    ingest = new DurableIngest({
      spool,
      sink: options.wrapSink ? options.wrapSink(realSink) : realSink,
      deadLetterDir: join(resolved.dataPath, 'dead-letter'),
      limits,
      metrics,
      logger,
      maxBatchRows: resolved.maxBatchRows,
      minBatchRows: resolved.minBatchRows,
      maxBatchDelayMs: resolved.maxBatchDelayMs,
      maxMemoryRows: resolved.maxMemoryRows,
      ackWaitBacklogRows: resolved.ackWaitBacklogRows,
      maxAckWaitMs: resolved.ackWaitForInsertMs,
    });
    ingest.start();
    const context: CollectorRouteContext = { storage, logger, authorizer, dataPath: resolved.dataPath };
    app = await buildCollectorApp({
      ingest,
      authorizer,
      metrics,
      limits,
      logger,
      bodyLimitBytes: resolved.bodyLimitBytes,
      maxConcurrentRequests: resolved.maxConcurrentRequests,
      routes: (options.routes ?? []).map((route) => async (child: FastifyInstance) => route(child, context)),
    });
    try {
      await app.listen({ host: resolved.host, port: resolved.port });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new AddressInUseError(resolved.host, resolved.port);
      throw error;
    }
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    const health =
      resolved.healthIntervalMs > 0
        ? startHealthHistory({
            registry: metrics.registry,
            storage,
            collectorId: `${hostname()}:${address.port}`,
            intervalMs: resolved.healthIntervalMs,
            folded: metrics.healthSamplesFolded,
            logger,
          })
        : undefined;
    // Tools of the same user find this collector from the folder (the CLI's --data); gone again at a clean stop.
    const removeAccessFile = writeLocalAccessFile(resolved.dataPath, {
      url: localUrl(address),
      pid: process.pid,
      token: localCredential,
    });
    const server = app;
    const durable = ingest;
    let closing: Promise<void> | undefined;
    return {
      url,
      storage,
      metrics,
      config: resolved,
      drain: (timeoutMs) => durable.drain(timeoutMs),
      close() {
        closing ??= (async () => {
          try {
            removeAccessFile();
            durable.stopAccepting();
            await server.close();
            const drained = await durable.drain(resolved.shutdownTimeoutMs);
            if (!drained)
              logger?.warn(
                { backlog: durable.backlog },
                'shutdown: ClickHouse did not take the whole spool in time; the rest is replayed at the next start',
              );
            await durable.stop();
          } finally {
            // After the spool has stopped, so the last sample holds the final totals; it marks when the collector stopped.
            await health?.stop(HEALTH_STOP_TIMEOUT_MS);
            await engineMemory?.stop();
            await storage.close();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close();
    await ingest?.stop();
    await engineMemory?.stop();
    await storage.close();
    throw error;
  }
}
