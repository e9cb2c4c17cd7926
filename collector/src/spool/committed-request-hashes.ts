import { existsSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'committed-request-hashes.txt';

/**
 * Hashes of requests already stored in ClickHouse, kept across restarts. A spool segment is deleted once its records
 * are stored; without this list, a client that never saw the answer to such a request (the collector was killed
 * first) would retry it after the restart and have it stored twice. Bounded to the newest `limit` hashes.
 */
export class CommittedRequestHashes {
  private readonly path: string;
  private readonly limit: number;
  private lines: number;

  private constructor(path: string, limit: number, lines: number) {
    this.path = path;
    this.limit = limit;
    this.lines = lines;
  }

  /** Opens the list in `dir`; returns it with the hashes it holds, oldest first. */
  static open(dir: string, limit: number): { list: CommittedRequestHashes; hashes: string[] } {
    const path = join(dir, FILE);
    // A torn last line (a crash mid-append) is not a hash: only complete lines count.
    const hashes = existsSync(path)
      ? readFileSync(path, 'utf8')
          .split('\n')
          .slice(0, -1)
          .filter((line) => line !== '')
      : [];
    return { list: new CommittedRequestHashes(path, limit, hashes.length), hashes };
  }

  /** Appends and syncs; called before the records' segment may be deleted. */
  async append(hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    const file = await open(this.path, 'a');
    try {
      await file.write(`${hashes.join('\n')}\n`);
      await file.datasync();
    } finally {
      await file.close();
    }
    this.lines += hashes.length;
    if (this.lines > 2 * this.limit) await this.compact();
  }

  private async compact(): Promise<void> {
    const newest = readFileSync(this.path, 'utf8').split('\n').slice(0, -1).slice(-this.limit);
    const temporary = `${this.path}.tmp`;
    const file = await open(temporary, 'w');
    try {
      await file.write(`${newest.join('\n')}\n`);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
    this.lines = newest.length;
  }
}
