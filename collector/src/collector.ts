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
import { startHealthHistory, type HealthHistoryRecorder } from './metrics/health-history-recorder.ts';
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
  warnIfInsecure(resolved.host, authorizer.enabled, logger);
  const storage = await openCollectorStorage(resolved);
  let app: FastifyInstance | undefined;
  let ingest: DurableIngest | undefined;
  let engineMemory: EngineMemorySampler | undefined;
  try {
    const applied = await runMigrations(storage);
    if (applied.length > 0) logger?.info({ applied }, 'schema migrated');
    const metrics = createCollectorMetrics();
    engineMemory = sampleEngineMemory(metrics.registry, storage);
    const limits = ingestLimits(resolved);
    ingest = await startDurableIngest(resolved, { storage, metrics, limits, logger, wrapSink: options.wrapSink });
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
    const address = await listen(app, resolved.host, resolved.port);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
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
    const durable = ingest;
    const close = closeOnce(
      { removeAccessFile, server: app, ingest: durable, health, engineMemory, storage },
      resolved,
      logger,
    );
    return {
      url: `http://${host}:${address.port}`,
      storage,
      metrics,
      config: resolved,
      drain: (timeoutMs) => durable.drain(timeoutMs),
      close,
    };
  } catch (error) {
    await app?.close();
    await ingest?.stop();
    await engineMemory?.stop();
    await storage.close();
    throw error;
  }
}

/** Says loudly (in the log, else as a process warning) when the collector is reachable from other machines without auth. */
function warnIfInsecure(host: string, authEnabled: boolean, logger: Logger | undefined): void {
  const warning = insecureBindingWarning(host, authEnabled);
  if (!warning) return;
  if (logger) logger.warn({ host }, warning);
  else process.emitWarning(warning);
}

/** A ClickHouse server when the configuration names one, else the embedded engine in the data folder. */
function openCollectorStorage(resolved: ResolvedCollectorConfig): Promise<Storage> {
  return openStorage(
    resolved.clickhouseUrl
      ? {
          url: resolved.clickhouseUrl,
          database: resolved.database,
          username: resolved.clickhouseUser,
          password: resolved.clickhousePassword,
        }
      : { dataPath: resolved.dataPath, database: resolved.database },
  );
}

function ingestLimits(resolved: ResolvedCollectorConfig): IngestLimits {
  return {
    maxItemsPerRequest: resolved.maxItemsPerRequest,
    maxAttributesPerItem: resolved.maxAttributesPerItem,
    maxAttributeValueLength: resolved.maxAttributeValueLength,
    maxNameLength: resolved.maxNameLength,
    maxJsonContainersPerRequest: resolved.maxJsonContainersPerRequest,
  };
}

/** Opens the spool (its records left by a previous run are replayed first) and starts inserting it into ClickHouse. */
async function startDurableIngest(
  resolved: ResolvedCollectorConfig,
  parts: {
    storage: Storage;
    metrics: CollectorMetrics;
    limits: IngestLimits;
    logger: Logger | undefined;
    wrapSink: StartCollectorOptions['wrapSink'];
  },
): Promise<DurableIngest> {
  const { logger } = parts;
  const realSink = createClickHouseRowSink(parts.storage);
  const spool = await WriteAheadSpool.open({
    dir: join(resolved.dataPath, 'spool'),
    maxBytes: resolved.spoolMaxBytes,
  });
  if (spool.waiting.length > 0)
    logger?.info({ records: spool.waiting.length, bytes: spool.bytes }, 'replaying the spool left by the previous run');
  const ingest = new DurableIngest({
    spool,
    sink: parts.wrapSink ? parts.wrapSink(realSink) : realSink,
    deadLetterDir: join(resolved.dataPath, 'dead-letter'),
    limits: parts.limits,
    metrics: parts.metrics,
    logger,
    maxBatchRows: resolved.maxBatchRows,
    minBatchRows: resolved.minBatchRows,
    maxBatchDelayMs: resolved.maxBatchDelayMs,
    maxMemoryRows: resolved.maxMemoryRows,
    ackWaitBacklogRows: resolved.ackWaitBacklogRows,
    maxAckWaitMs: resolved.ackWaitForInsertMs,
  });
  ingest.start();
  return ingest;
}

/** Listens on host and port; a port already taken is an AddressInUseError. */
async function listen(app: FastifyInstance, host: string, port: number): Promise<AddressInfo> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new AddressInUseError(host, port);
    throw error;
  }
  return app.server.address() as AddressInfo;
}

/**
 * The collector's `close`: stops accepting, inserts the spool for up to `shutdownTimeoutMs`, then records the last
 * health sample and closes the engine. Every call returns the one shutdown.
 */
function closeOnce(
  parts: {
    removeAccessFile: () => void;
    server: FastifyInstance;
    ingest: DurableIngest;
    health: HealthHistoryRecorder | undefined;
    engineMemory: EngineMemorySampler | undefined;
    storage: Storage;
  },
  resolved: ResolvedCollectorConfig,
  logger: Logger | undefined,
): () => Promise<void> {
  const { ingest, health, engineMemory, storage } = parts;
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      try {
        parts.removeAccessFile();
        ingest.stopAccepting();
        await parts.server.close();
        const drained = await ingest.drain(resolved.shutdownTimeoutMs);
        if (!drained)
          logger?.warn(
            { backlog: ingest.backlog },
            'shutdown: ClickHouse did not take the whole spool in time; the rest is replayed at the next start',
          );
        await ingest.stop();
      } finally {
        // After the spool has stopped, so the last sample holds the final totals; it marks when the collector stopped.
        await health?.stop(HEALTH_STOP_TIMEOUT_MS);
        await engineMemory?.stop();
        await storage.close();
      }
    })();
    return closing;
  };
}
