import type { AddressInfo } from 'node:net';
import { openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import type { Logger } from 'pino';
import { parseCollectorConfig, type CollectorConfig } from './collector-config.ts';
import { buildCollectorApp } from './http/collector-app.ts';
import { GroupCommitWriter } from './ingest/group-commit-writer.ts';

export interface RunningCollector {
  /** Base URL, e.g. http://127.0.0.1:4318 */
  readonly url: string;
  readonly storage: Storage;
  /** Stops accepting, writes out everything acknowledged, closes the engine. Idempotent. */
  close(): Promise<void>;
}

/** Opens storage (migrating the schema), then serves OTLP/HTTP until closed. */
export async function startCollector(config: CollectorConfig, logger?: Logger): Promise<RunningCollector> {
  const resolved = parseCollectorConfig(config);
  const storage = await openStorage(
    resolved.clickhouseUrl
      ? { url: resolved.clickhouseUrl, database: resolved.database, username: resolved.clickhouseUser, password: resolved.clickhousePassword }
      : { dataPath: resolved.dataPath, database: resolved.database },
  );
  let app: ReturnType<typeof buildCollectorApp> | undefined;
  try {
    const applied = await runMigrations(storage);
    if (applied.length > 0) logger?.info({ applied }, 'schema migrated');
    const sink = new GroupCommitWriter(storage);
    app = buildCollectorApp({ sink, logger, bodyLimitBytes: resolved.bodyLimitBytes });
    await app.listen({ host: resolved.host, port: resolved.port });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    const server = app;
    let closing: Promise<void> | undefined;
    return {
      url,
      storage,
      close() {
        closing ??= (async () => {
          try {
            await server.close();
            await sink.close();
          } finally {
            await storage.close();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close();
    await storage.close();
    throw error;
  }
}
