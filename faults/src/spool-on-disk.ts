import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of write-ahead spool segments left in a collector's data folder (the spool lives in `<data>/spool/*.wal`). */
export function spoolBytesOnDisk(dataPath: string): number {
  const dir = join(dataPath, 'spool');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.wal'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}
