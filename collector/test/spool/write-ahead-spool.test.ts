import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpoolFullError, WriteAheadSpool } from '@tradetrace/collector';

const record = (n: number) => ({
  signal: 'traces' as const,
  encoding: 'json' as const,
  body: Buffer.from(`{"n":${n}}`),
  rowCount: 1,
  requestHash: `h${n}`,
});

describe('WriteAheadSpool', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tradetrace-spool-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('.append', () => {
    it('gives increasing ids, shares one fsync among concurrent appends, and reads bodies back', async () => {
      const spool = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      const entries = await Promise.all([1, 2, 3].map((n) => spool.append(record(n))));
      expect(entries.map((e) => e.id)).toEqual([1, 2, 3]);
      expect((await spool.readBody(entries[1]!)).toString()).toBe('{"n":2}');
      expect(spool.waiting.map((e) => e.id)).toEqual([1, 2, 3]);
      await spool.close();
    });

    it('refuses an append past the disk budget with SpoolFullError', async () => {
      const spool = await WriteAheadSpool.open({ dir, maxBytes: 200 });
      await spool.append(record(1));
      await spool.append(record(2));
      await expect(spool.append({ ...record(3), body: Buffer.alloc(150) })).rejects.toBeInstanceOf(SpoolFullError);
      await spool.close();
    });
  });

  describe('.waitingRows', () => {
    it('counts the rows of records not yet committed, across a commit and a reopen', async () => {
      const first = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      await Promise.all([1, 2, 3].map((n) => first.append({ ...record(n), rowCount: n * 10 })));
      expect(first.waitingRows).toBe(60);
      await first.commit(1);
      expect(first.waitingRows).toBe(50);
      await first.close();
      const reopened = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      expect(reopened.waitingRows).toBe(50);
      await reopened.commit(3);
      expect(reopened.waitingRows).toBe(0);
      await reopened.close();
    });
  });

  describe('.open', () => {
    it('finds the records left by a previous process, continues their ids and remembers their hashes', async () => {
      const first = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      await first.append(record(1));
      await first.append(record(2));
      await first.commit(1);
      await first.close();
      const second = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      expect(second.waiting.map((e) => e.id)).toEqual([2]);
      expect(second.hashesFoundAtOpen).toEqual(['h1', 'h2']);
      expect((await second.append(record(3))).id).toBe(3);
      expect(second.spoolId).toBe(first.spoolId);
      await second.close();
    });

    it('remembers the hashes of stored records whose segments are gone, so a retry after a crash is recognised', async () => {
      const first = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000, segmentBytes: 16 });
      for (let n = 1; n <= 3; n += 1) await first.append(record(n));
      await first.commit(3);
      await first.close();
      expect(readdirSync(dir).filter((name) => name.endsWith('.wal')).length).toBeLessThanOrEqual(1);
      const second = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      expect(second.hashesFoundAtOpen).toEqual(['h1', 'h2', 'h3']);
      expect(second.waiting).toEqual([]);
      await second.close();
    });

    it('cuts off a torn tail and keeps every complete record before it', async () => {
      const first = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      await first.append(record(1));
      await first.close();
      const segment = readdirSync(dir).find((f) => f.endsWith('.wal'))!;
      appendFileSync(join(dir, segment), Buffer.from([0x50, 0x53, 0x54, 0x54, 9, 0, 0, 0]));
      const second = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      expect(second.waiting.map((e) => e.id)).toEqual([1]);
      expect((await second.append(record(2))).id).toBe(2);
      await second.close();
      const third = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      expect(third.waiting.map((e) => e.id)).toEqual([1, 2]);
      await third.close();
    });

    it('keeps the batch that was in flight, so it is inserted again with the same ids', async () => {
      const first = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      await first.append(record(1));
      await first.append(record(2));
      await first.markInflight(1, 2);
      await first.close();
      const second = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000 });
      expect(second.inflight).toEqual({ from: 1, to: 2 });
      await second.close();
    });
  });

  describe('.commit', () => {
    it('deletes segments once everything in them is stored, bringing the spool back to zero bytes', async () => {
      const spool = await WriteAheadSpool.open({ dir, maxBytes: 1_000_000, segmentBytes: 64 });
      for (let n = 1; n <= 5; n += 1) await spool.append(record(n));
      expect(readdirSync(dir).filter((f) => f.endsWith('.wal')).length).toBeGreaterThan(1);
      await spool.commit(5);
      expect(spool.bytes).toBe(0);
      expect(readdirSync(dir).filter((f) => f.endsWith('.wal'))).toEqual([]);
      await spool.close();
    });
  });
});
