import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StorageError } from './storage-errors.ts';

const LOCK_FILE = 'tradetrace.lock';

export interface DataPathLock {
  release(): void;
}

/** Whether a process with this id exists (one of another user counts: it exists, we may not signal it). */
export function isProcessAlive(pid: number): boolean {
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
  const lockPath = join(dataPath, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openLockFile(dataPath, lockPath);
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
      if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
        throw new StorageError(
          'TT_STORAGE_DATA_PATH_LOCKED',
          `the data folder ${dataPath} is in use by process ${holder} (probably a running collector); ` +
            `the embedded engine allows one process per folder. A collector serves the tradetrace commands on its folder itself: if this one does not, it may be starting or stopping; try again, or stop it.`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new StorageError('TT_STORAGE_DATA_PATH_LOCKED', `could not lock the data folder ${dataPath}`);
}

/**
 * Creates the folder if needed and the lock file in it. A folder that cannot be (a path under a regular file, under
 * /proc, on a read-only filesystem) is one clear error, not an engine that fails later in a confusing way.
 */
function openLockFile(dataPath: string, lockPath: string): number {
  try {
    makeFolder(dataPath);
    return openSync(lockPath, 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw error;
    const why: Record<string, string> = {
      ENOTDIR: 'a part of the path is a file, not a folder',
      EROFS: 'it is on a read-only filesystem',
      EACCES: 'this user may not write there',
      EPERM: 'this user may not write there',
      ENOENT: 'a folder on the way cannot be created (is it a special filesystem such as /proc?)',
      ENOSPC: 'the disk is full',
    };
    throw new StorageError(
      'TT_STORAGE_DATA_PATH_UNUSABLE',
      `cannot use ${dataPath} as the data folder: ${why[code ?? ''] ?? (error as Error).message}; choose another folder with --data`,
      { cause: error },
    );
  }
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir never returns for a path under /proc (it retries the
 * ENOENT that the kernel keeps answering), so each parent is created once and a second ENOENT is final.
 */
function makeFolder(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw error;
    makeFolder(parent);
    mkdirSync(path);
  }
}
