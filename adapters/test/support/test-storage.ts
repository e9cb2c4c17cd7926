import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, runMigrations, type Storage } from '@tradetrace/storage';

/** A real embedded engine in a fresh folder, migrated; one per test file (chDB: one folder per process). */
export async function openTestStorage(): Promise<Storage> {
  const storage = await openStorage({ dataPath: mkdtempSync(join(tmpdir(), 'tt-adapters-')) });
  await runMigrations(storage);
  return storage;
}

/** Empties the span table between cases of one file. */
export async function truncateSpans(storage: Storage): Promise<void> {
  await storage.client.command({ query: `TRUNCATE TABLE ${storage.table('otel_traces')}` });
}
