import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sqlString, type Storage } from '@tradetrace/storage';
import { resolveExtractionOptions, type ExtractionOptions } from '../extraction-options.ts';
import { DECISION_FACTS_SETTINGS } from '../sql/decision-facts-query.ts';
import { decisionFactsQueryFor } from '../sql/sql-triplet-reader.ts';
import { insertTripletsStaged } from '../sql/staged-triplet-insert.ts';
import { canProjectInSql, projectedTriplets, TRIPLET_STRUCTURE } from '../sql/triplet-projection.ts';
import { readTriplets } from '../triplet-export.ts';
import type { TripletFilter } from '../triplet-filter.ts';
import type { Triplet } from '../triplet.ts';
import { contextOf, parseJsonOrText } from '../triplet-assembler.ts';

/** How a Parquet export went: `pushedDown` when ClickHouse made every triplet itself. */
export interface ParquetExportResult {
  /** Rows written; null when a server wrote a stream whose length it did not report. */
  count: number | null;
  pushedDown: boolean;
}

/**
 * Writes triplets to a Parquet file with ClickHouse's own Parquet writer. When the policy can be expressed in
 * SQL the whole extraction runs in the engine (no row passes through Node); reward functions and episode
 * returns are applied in TypeScript and the triplets streamed back into the engine's writer. The embedded engine
 * writes the file directly, in steps of bounded memory (sql/staged-triplet-insert.ts); a server streams
 * `FORMAT Parquet` to this machine.
 */
export async function writeTripletsParquet(storage: Storage, path: string, filter: TripletFilter = {}, options: ExtractionOptions = {}): Promise<ParquetExportResult> {
  const resolved = resolveExtractionOptions(options);
  const file = resolve(path);
  const target = `FUNCTION file(${sqlString(file)}, 'Parquet', ${sqlString(TRIPLET_STRUCTURE)})`;
  // Row groups of 8 MiB: the writer holds a whole row group (512 MiB by default) before it writes one.
  const settings = {
    ...DECISION_FACTS_SETTINGS,
    engine_file_truncate_on_insert: 1,
    output_format_parquet_compression_method: 'zstd',
    output_format_parquet_row_group_size_bytes: '8388608',
  } as const;
  if (canProjectInSql(resolved)) {
    if (storage.kind === 'embedded') return { count: await insertTripletsStaged(storage, target, filter, resolved, settings), pushedDown: true };
    const projected = projectedTriplets(await decisionFactsQueryFor(storage, filter, resolved), resolved, filter);
    const result = await storage.client.exec({ query: `${projected.query} FORMAT Parquet`, query_params: projected.params, clickhouse_settings: settings });
    await pipeline(result.stream, createWriteStream(file));
    return { count: null, pushedDown: true };
  }
  if (storage.kind !== 'embedded') {
    throw Object.assign(new Error('Parquet with reward functions or episode returns needs the embedded engine (--data): a server cannot write to this machine'), { code: 'TT_ADAPTERS_PARQUET_UNSUPPORTED' });
  }
  let count = 0;
  const rows = Readable.from(
    (async function* () {
      for await (const triplet of readTriplets(storage, filter, options)) {
        count += 1;
        yield toParquetRow(triplet);
      }
    })(),
  );
  await storage.client.insert({ table: target, values: rows, format: 'JSONEachRow', clickhouse_settings: settings });
  return { count, pushedDown: false };
}

/** Reads a Parquet export back through the engine, typing free-form columns back as the assembler does. */
export async function* readTripletsParquet(storage: Storage, path: string): AsyncGenerator<Triplet> {
  const result = await storage.client.query({
    query: `SELECT * FROM file(${sqlString(resolve(path))}, 'Parquet', ${sqlString(TRIPLET_STRUCTURE)})`,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_named_tuples_as_objects: 1 },
  });
  for await (const rows of result.stream<ParquetTripletRow>()) {
    for (const row of rows) yield fromParquetRow(row.json());
  }
}

type ParquetTripletRow = Omit<Triplet, 'strategy_config' | 'decision' | 'context' | 'reward' | 'outcome'> & {
  strategy_config: string;
  decision: Omit<Triplet['decision'], 'llm_calls'> & { llm_calls: (Omit<Triplet['decision']['llm_calls'][number], 'input_messages' | 'output_messages'> & { input_messages: string; output_messages: string })[] };
  context: Record<string, string>;
  reward: Omit<Triplet['reward'], 'count'> & { count: string | number };
  outcome: Omit<Triplet['outcome'], 'orders'> & { orders: string | number };
};

function toParquetRow(t: Triplet): ParquetTripletRow {
  return {
    ...t,
    strategy_config: t.strategy_config === null ? '' : JSON.stringify(t.strategy_config),
    decision: {
      ...t.decision,
      llm_calls: t.decision.llm_calls.map((c) => ({ ...c, input_messages: c.input_messages === null ? '' : JSON.stringify(c.input_messages), output_messages: c.output_messages === null ? '' : JSON.stringify(c.output_messages) })),
    },
    context: Object.fromEntries(Object.entries(t.context).map(([k, v]) => [k, String(v)])),
  };
}

function fromParquetRow(row: ParquetTripletRow): Triplet {
  return {
    ...row,
    strategy_config: parseJsonOrText(row.strategy_config),
    decision: {
      ...row.decision,
      llm_calls: row.decision.llm_calls.map((c) => ({ ...c, input_messages: parseJsonOrText(c.input_messages), output_messages: parseJsonOrText(c.output_messages) })),
    },
    context: contextOf(Object.fromEntries(Object.entries(row.context).map(([k, v]) => [`trading.context.${k}`, v]))),
    reward: { ...row.reward, count: Number(row.reward.count) },
    outcome: { ...row.outcome, orders: Number(row.outcome.orders) },
  };
}
