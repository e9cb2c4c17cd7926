import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from './storage-errors.ts';

const LOCK_FILE = 'tradetrace.lock';

export interface DataPathLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * chDB allows one process per data folder. Claim the folder with a pid file so a second process gets a clear
 * message instead of a corrupted engine; a lock left by a dead process (kill -9) is taken over.
 */
export function lockDataPath(dataPath: string): DataPathLock {
  mkdirSync(dataPath, { recursive: true });
  const lockPath = join(dataPath, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new StorageError(
          'TT_STORAGE_DATA_PATH_LOCKED',
          `the data folder ${dataPath} is in use by process ${holder} (probably a running collector); ` +
            `the embedded engine allows one process per folder. Talk to that collector with --endpoint http://127.0.0.1:4318 instead, or stop it first.`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new StorageError('TT_STORAGE_DATA_PATH_LOCKED', `could not lock the data folder ${dataPath}`);
}
