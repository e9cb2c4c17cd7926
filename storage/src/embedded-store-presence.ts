import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether an embedded engine folder holds a tradetrace store: the engine records each database it created as
 * `metadata/<database>.sql`. Tools that only read check this first, so a mistyped path is an error and not a new,
 * empty store (only the collector creates one).
 */
export function embeddedStoreExists(dataPath: string, database: string): boolean {
  return existsSync(join(dataPath, 'metadata', `${database}.sql`));
}
