import { expect } from 'vitest';
import { insertLogRows, insertSpanRows, type LogRow, type SpanRow, type Storage } from '@tradetrace/storage';
import {
  readTriplets,
  tripletsFromSpans,
  type ExtractionOptions,
  type StrategyVersionRecord,
  type Triplet,
  type TripletFilter,
} from '../../src/index.ts';

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/**
 * Loads a span set into a clean engine, extracts with the SQL engine, checks the span-tree engine gives the same
 * triplets, and returns them by decision id.
 */
export async function extractWithBothEngines(
  storage: Storage,
  spans: SpanRow[],
  logs: LogRow[] = [],
  options: ExtractionOptions = {},
  filter: TripletFilter = {},
  strategyVersions: StrategyVersionRecord[] = [],
): Promise<Map<string, Triplet>> {
  await storage.client.command({ query: `TRUNCATE TABLE ${storage.table('otel_traces')}` });
  await storage.client.command({ query: `TRUNCATE TABLE ${storage.table('otel_logs')}` });
  await insertSpanRows(storage, spans);
  await insertLogRows(storage, logs);
  await storage.client.command({ query: `TRUNCATE TABLE ${storage.table('strategy_versions')}` });
  if (strategyVersions.length > 0) {
    await storage.client.insert({
      table: storage.table('strategy_versions'),
      values: strategyVersions.map((v) => ({
        ...v,
        parent_version: '',
        note: '',
        author: 'test',
        created_at: '2026-01-01 00:00:00',
      })),
      format: 'JSONEachRow',
    });
  }
  const sql = await collect(readTriplets(storage, filter, options));
  const tree = await collect(tripletsFromSpans({ spans, logs, strategyVersions }, filter, options));
  expect(tree).toEqual(sql);
  return new Map(sql.map((t) => [t.decision_id, t]));
}
