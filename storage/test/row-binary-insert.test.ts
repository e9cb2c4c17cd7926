import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeRowBinarySync,
  insertLogRows,
  insertSpanRowBinary,
  insertSpanRows,
  openStorage,
  runMigrations,
  type SpanRow,
  type Storage,
} from '@tradetrace/storage';
import { LOG_ROW_LAYOUT } from '../src/log-row.ts';
import { SPAN_ROW_LAYOUT } from '../src/span-row.ts';
import { T0_NS, logRow, spanRow } from './fixtures/telemetry-rows.ts';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-rowbinary-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

async function rows<T>(query: string): Promise<T[]> {
  const result = await storage.client.query({ query, format: 'JSONEachRow' });
  return result.json<T>();
}

/** Types as the table declares them, without what RowBinary does not see (LowCardinality is a storage detail). */
async function tableTypes(table: string): Promise<Map<string, string>> {
  const columns = await rows<{ name: string; type: string }>(
    `SELECT name, type FROM system.columns WHERE database = '${storage.database}' AND table = '${table}'`,
  );
  return new Map(columns.map((c) => [c.name, c.type.replace(/LowCardinality\((\w+)\)/g, '$1')]));
}

// Any string a bot may send: every Unicode plane, and lengths on both sides of the one-byte length prefix.
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'grapheme', minLength: 40, maxLength: 400 }),
);
const attributes = fc.dictionary(text, text, { maxKeys: 6 });
const nanos = fc.bigInt({ min: T0_NS, max: T0_NS + 10n ** 15n }).map(String);

const spanRows = fc.array(
  fc.record({
    Timestamp: nanos,
    SpanName: text,
    SpanAttributes: attributes,
    Duration: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    StatusMessage: text,
    events: fc.array(fc.record({ at: nanos, name: text, attributes }), { maxLength: 3 }),
    links: fc.array(fc.record({ trace: text, span: text, state: text, attributes }), { maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 20 },
);

describe('insertRows (embedded engine, RowBinary)', () => {
  it('declares every column with the type the table has', async () => {
    for (const [table, layout] of [
      ['otel_traces', SPAN_ROW_LAYOUT],
      ['otel_logs', LOG_ROW_LAYOUT],
    ] as const) {
      const types = await tableTypes(table);
      for (const column of layout)
        expect(`${column.name} ${types.get(column.name)}`).toBe(`${column.name} ${column.type}`);
    }
  });

  it('stores every value exactly as given', async () => {
    let batch = 0;
    await fc.assert(
      fc.asyncProperty(spanRows, async (generated) => {
        const traceId = `rowbinary-${batch++}`;
        const sent: SpanRow[] = generated.map((g, i) =>
          spanRow({
            TraceId: traceId,
            SpanId: String(i),
            SpanName: g.SpanName,
            Timestamp: g.Timestamp,
            SpanAttributes: g.SpanAttributes,
            Duration: g.Duration,
            StatusMessage: g.StatusMessage,
            'Events.Timestamp': g.events.map((e) => e.at),
            'Events.Name': g.events.map((e) => e.name),
            'Events.Attributes': g.events.map((e) => e.attributes),
            'Links.TraceId': g.links.map((l) => l.trace),
            'Links.SpanId': g.links.map((l) => l.span),
            'Links.TraceState': g.links.map((l) => l.state),
            'Links.Attributes': g.links.map((l) => l.attributes),
          }),
        );
        await insertSpanRows(storage, sent);
        const stored = await rows<Record<string, unknown>>(
          `SELECT SpanId, SpanName, toString(toUnixTimestamp64Nano(Timestamp)) AS Timestamp, SpanAttributes, toString(Duration) AS Duration, StatusMessage,
             arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS EventTimes, Events.Name AS EventNames, Events.Attributes AS EventAttributes,
             Links.TraceId AS LinkTraces, Links.SpanId AS LinkSpans, Links.TraceState AS LinkStates, Links.Attributes AS LinkAttributes
           FROM ${storage.table('otel_traces')} WHERE TraceId = '${traceId}' ORDER BY toUInt32(SpanId)`,
        );
        expect(stored).toEqual(
          sent.map((s) => ({
            SpanId: s.SpanId,
            SpanName: s.SpanName,
            Timestamp: s.Timestamp,
            SpanAttributes: s.SpanAttributes,
            Duration: String(s.Duration),
            StatusMessage: s.StatusMessage,
            EventTimes: s['Events.Timestamp'],
            EventNames: s['Events.Name'],
            EventAttributes: s['Events.Attributes'],
            LinkTraces: s['Links.TraceId'],
            LinkSpans: s['Links.SpanId'],
            LinkStates: s['Links.TraceState'],
            LinkAttributes: s['Links.Attributes'],
          })),
        );
      }),
      { numRuns: 25 },
    );
  });

  it('stores log rows with their small integers', async () => {
    await insertLogRows(storage, [
      logRow({ TraceId: 'rowbinary-log', TraceFlags: 1, SeverityNumber: 17, Body: 'ü'.repeat(300) }),
    ]);
    expect(
      await rows(
        `SELECT TraceFlags, SeverityNumber, length(Body) AS bytes FROM ${storage.table('otel_logs')} WHERE TraceId = 'rowbinary-log'`,
      ),
    ).toEqual([{ TraceFlags: 1, SeverityNumber: 17, bytes: '600' }]);
  });

  it('stores a batch given in pieces once, as one batch (named by its rows when no token is given)', async () => {
    const pieces = ['a', 'b', 'c'].map((name) =>
      encodeRowBinarySync([spanRow({ TraceId: 'rowbinary-pieces', SpanId: name, SpanName: 'piece' })], SPAN_ROW_LAYOUT),
    );
    await insertSpanRowBinary(storage, pieces);
    await insertSpanRowBinary(storage, pieces);
    expect(
      await rows(
        `SELECT SpanId FROM ${storage.table('otel_traces')} WHERE TraceId = 'rowbinary-pieces' ORDER BY SpanId`,
      ),
    ).toEqual([{ SpanId: 'a' }, { SpanId: 'b' }, { SpanId: 'c' }]);
  });

  it('leaves no insert file behind', async () => {
    expect(readdirSync(join(dataPath, 'tradetrace-inserts'))).toEqual([]);
  });
});
