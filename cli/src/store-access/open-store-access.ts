import { readLocalAccessFile, type LocalAccess } from '@tradetrace/collector';
import { embeddedStoreExists, isProcessAlive, openStorage, runMigrations } from '@tradetrace/storage';
import { resolve } from 'node:path';
import { collectorStoreAccess } from './collector-store-access.ts';
import type { StoreAccess } from './store-access.ts';
import { StoreAccessError } from './store-access-error.ts';
import { storageStoreAccess } from './storage-store-access.ts';

/** Where a command's data is, from the shared flags (cli-options.ts). */
export interface StoreLocation {
  data: string;
  database: string;
  endpoint?: string;
  token?: string;
  clickhouseUrl?: string;
  clickhouseUser?: string;
  clickhousePassword?: string;
}

/** How long a local collector has to answer before its access file is taken for a stale one. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Opens the store a command works on: `--endpoint` (a collector, explicitly), `--clickhouse-url` (a server), else
 * the `--data` folder — served by the collector that owns it when one runs (found from its access file), opened
 * here when none does, and an error when it holds no store.
 */
export async function openStoreAccess(location: StoreLocation): Promise<StoreAccess> {
  if (location.endpoint !== undefined)
    return collectorStoreAccess(location.endpoint, location.token ?? (process.env.TRADETRACE_TOKEN || undefined));
  if (location.clickhouseUrl !== undefined) {
    const storage = await openStorage({
      url: location.clickhouseUrl,
      database: location.database,
      username: location.clickhouseUser,
      password: location.clickhousePassword ?? process.env.CLICKHOUSE_PASSWORD,
    });
    return migrated(storageStoreAccess(storage, `the ClickHouse server at ${location.clickhouseUrl}`, true), storage);
  }
  const collector = await findLocalCollector(location.data);
  if (collector) return collectorStoreAccess(collector.url, collector.token);
  if (!embeddedStoreExists(location.data, location.database))
    throw new StoreAccessError(
      'TT_CLI_NO_STORE',
      `${resolve(location.data)} holds no tradetrace store (database ${location.database}); check --data, or start \`tradetrace collector --data ${location.data}\` to create one`,
    );
  const storage = await openStorage({ dataPath: location.data, database: location.database });
  return migrated(storageStoreAccess(storage, `the folder ${location.data}`, true), storage);
}

/** A store written by an older version gets the current schema first, as the collector would give it. */
async function migrated(access: StoreAccess, storage: Parameters<typeof runMigrations>[0]): Promise<StoreAccess> {
  try {
    await runMigrations(storage);
    return access;
  } catch (error) {
    await access.close();
    throw error;
  }
}

/** The collector that owns the folder, when its access file names a live process that answers. */
export async function findLocalCollector(data: string): Promise<LocalAccess | undefined> {
  const access = readLocalAccessFile(data);
  if (!access || !isProcessAlive(access.pid)) return undefined;
  try {
    const response = await fetch(new URL('/healthz', access.url), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
  } catch {
    // The pid was reused by another program, or the collector hangs: the folder lock decides below.
    return undefined;
  }
  return access;
}
