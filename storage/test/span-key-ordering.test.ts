import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeKeyedSpanRowsSync,
  openStorage,
  runMigrations,
  SpanKeyOrdering,
  type KeyedSpanRows,
  type SpanRow,
  type Storage,
} from '@tradetrace/storage';
import { layoutStructure } from '../src/row-binary/row-layout.ts';
import { SPAN_ROW_LAYOUT } from '../src/span-row.ts';
import { at, spanRow, T0_NS } from './fixtures/telemetry-rows.ts';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-key-order-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
  // otel_traces' key, partitions and indexes without its views: each INSERT writes one block per day it spans.
  await storage.client.command({
    query: `CREATE TABLE ${storage.table('key_order_probe')} AS ${storage.table('otel_traces')}`,
  });
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

/** Blocks the engine's MergeTree writer wrote for one INSERT, and how many of those it found already in key order. */
async function writtenBlocks(pieces: readonly Buffer[]): Promise<{ blocks: number; alreadySorted: number }> {
  const events = async () => {
    const result = await storage.client.query({
      query: `SELECT event, value FROM system.events
              WHERE event IN ('MergeTreeDataWriterBlocks', 'MergeTreeDataWriterBlocksAlreadySorted')`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ event: string; value: string }>();
    const value = (name: string) => Number(rows.find((row) => row.event === name)?.value ?? 0);
    return {
      blocks: value('MergeTreeDataWriterBlocks'),
      alreadySorted: value('MergeTreeDataWriterBlocksAlreadySorted'),
    };
  };
  const before = await events();
  await storage.insertRowBinary('key_order_probe', SPAN_ROW_LAYOUT, pieces, {});
  const after = await events();
  return { blocks: after.blocks - before.blocks, alreadySorted: after.alreadySorted - before.alreadySorted };
}

/** The rows back from RowBinary, read by the engine itself in the order they come. */
async function readBack(
  pieces: readonly Buffer[],
): Promise<{ ServiceName: string; SpanName: string; SpanId: string }[]> {
  // A Memory table keeps the rows of one INSERT in the order they came.
  const table = storage.table('read_back');
  await storage.client.command({
    query: `CREATE OR REPLACE TABLE ${table} (${layoutStructure(SPAN_ROW_LAYOUT)}) ENGINE = Memory`,
  });
  await storage.insertRowBinary('read_back', SPAN_ROW_LAYOUT, pieces, {});
  const result = await storage.client.query({
    query: `SELECT ServiceName, SpanName, SpanId FROM ${table} SETTINGS max_threads = 1`,
    format: 'JSONEachRow',
  });
  return result.json();
}

const keyed = (rows: readonly SpanRow[]): KeyedSpanRows => encodeKeyedSpanRowsSync(rows);

// Names where ClickHouse's byte order and JavaScript's UTF-16 order disagree ('\uff61' < '😀' in UTF-8, not in UTF-16),
// where one is a prefix of another, and empty.
const NAMES = ['', 'a', 'ab', 'b', 'B', 'é', '\uff61', '😀', 'a\u0000'];
const name = fc.constantFrom(...NAMES);
// Seconds on both sides of a day (a partition) and of 2106, where DateTime wraps.
const seconds = fc.oneof(
  fc.integer({ min: 0, max: 3 * 86_400 }).map((s) => T0_NS + BigInt(s) * 1_000_000_000n),
  fc.constantFrom(4_294_967_295n, 4_294_967_296n, 4_294_967_297n).map((s) => s * 1_000_000_000n + 5n),
);
const generatedRow = fc.record({
  service: name,
  spanName: name,
  ns: seconds,
  subsecond: fc.integer({ min: 0, max: 999_999_999 }),
});

describe('SpanKeyOrdering', () => {
  describe('.arrange', () => {
    it('puts rows of several parts in the order ClickHouse checks a block against', async () => {
      let id = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(generatedRow, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }),
          async (parts) => {
            const rows = parts.map((part) =>
              part.map((g) =>
                spanRow({
                  SpanId: String(id++),
                  ServiceName: g.service,
                  SpanName: g.spanName,
                  Timestamp: (g.ns + BigInt(g.subsecond)).toString(),
                }),
              ),
            );
            const { blocks, alreadySorted } = await writtenBlocks(new SpanKeyOrdering().arrange(rows.map(keyed)));
            expect(blocks).toBeGreaterThan(0);
            expect(alreadySorted).toBe(blocks);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('leaves rows the engine would sort unsorted without it (the check above can fail)', async () => {
      const rows = [
        spanRow({ SpanId: '1', ServiceName: '😀', SpanName: 'x' }),
        spanRow({ SpanId: '2', ServiceName: '\uff61', SpanName: 'x' }),
      ];
      expect(await writtenBlocks([keyed(rows).rowBinary])).toEqual({ blocks: 1, alreadySorted: 0 });
      expect(await writtenBlocks(new SpanKeyOrdering().arrange([keyed(rows)]))).toEqual({
        blocks: 1,
        alreadySorted: 1,
      });
    });

    it('keeps every row once, equal keys in the order of the parts', async () => {
      const first = [
        spanRow({ SpanId: 'p1-1', ServiceName: 'b', SpanName: 'decide', Timestamp: at(5) }),
        spanRow({ SpanId: 'p1-2', ServiceName: 'a', SpanName: 'decide', Timestamp: at(5.9) }),
        spanRow({ SpanId: 'p1-3', ServiceName: 'a', SpanName: 'chat', Timestamp: at(9) }),
      ];
      const second = [
        spanRow({ SpanId: 'p2-1', ServiceName: 'a', SpanName: 'decide', Timestamp: at(5.1) }),
        spanRow({ SpanId: 'p2-2', ServiceName: 'a', SpanName: 'decide', Timestamp: at(4) }),
        spanRow({ SpanId: 'p2-3', ServiceName: 'ab', SpanName: '', Timestamp: at(0) }),
      ];
      const pieces = new SpanKeyOrdering().arrange([keyed(first), keyed(second)]);
      expect((await readBack(pieces)).map((row) => row.SpanId)).toEqual([
        'p1-3',
        'p2-2',
        'p1-2',
        'p2-1',
        'p2-3',
        'p1-1',
      ]);
    });

    it('gives the same parts the same bytes, and parts already in order back as they are', () => {
      const parts = [0, 1, 2].map((p) =>
        keyed([3, 1, 2].map((s) => spanRow({ SpanId: `${p}-${s}`, SpanName: `n${s % 2}`, Timestamp: at(s - p) }))),
      );
      const ordering = new SpanKeyOrdering();
      const once = Buffer.concat(ordering.arrange(parts));
      const again = Buffer.concat(new SpanKeyOrdering().arrange(parts));
      expect(again.equals(once)).toBe(true);
      expect(once.length).toBe(parts.reduce((n, part) => n + part.rowBinary.length, 0));
      const inOrder = keyed([spanRow({ SpanId: 's1', SpanName: 'a' }), spanRow({ SpanId: 's2', SpanName: 'b' })]);
      expect(ordering.arrange([inOrder])).toEqual([inOrder.rowBinary]);
    });
  });
});
