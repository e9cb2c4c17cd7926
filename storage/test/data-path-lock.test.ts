import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataPath } from '../src/data-path-lock.ts';
import { StorageError } from '../src/storage-errors.ts';

describe('lockDataPath', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tradetrace-lock-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('refuses a folder held by another live process, naming it and what to do', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'tradetrace.lock'), String(process.ppid));
    let error: unknown;
    try {
      lockDataPath(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('TT_STORAGE_DATA_PATH_LOCKED');
    expect((error as StorageError).message).toMatch(/in use by process \d+ .*try again, or stop it/);
    expect(readFileSync(join(dir, 'tradetrace.lock'), 'utf8')).toBe(String(process.ppid));
  });

  it('takes over a lock left by a process that died (kill -9 leaves it behind)', () => {
    const dir = freshDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, 'tradetrace.lock'), String(dead));
    const lock = lockDataPath(dir);
    expect(readFileSync(join(dir, 'tradetrace.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
    lock.release();
    expect(existsSync(join(dir, 'tradetrace.lock'))).toBe(false);
  });
});
