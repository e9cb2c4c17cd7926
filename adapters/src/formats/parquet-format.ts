import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sqlString, type Storage } from '@tradetrace/storage';
import { resolveExtractionOptions, type ExtractionOptions } from '../extraction-options.ts';
import { DECISION_FACTS_SETTINGS } from '../sql/decision-facts-query.ts';
import { fromProjectedRow, toProjectedRow, type ProjectedTripletRow } from '../sql/projected-triplet-row.ts';
import { decisionFactsQueryFor } from '../sql/sql-triplet-reader.ts';
import { insertTripletsStaged } from '../sql/staged-extraction.ts';
import { canProjectInSql, projectedTriplets, TRIPLET_STRUCTURE } from '../sql/triplet-projection.ts';
import { readTriplets } from '../triplet-export.ts';
import type { TripletFilter } from '../triplet-filter.ts';
import type { Triplet } from '../triplet.ts';

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
 * writes the file directly, in steps of bounded memory (sql/staged-extraction.ts); a server streams
 * `FORMAT Parquet` to this machine.
 */
export async function writeTripletsParquet(
  storage: Storage,
  path: string,
  filter: TripletFilter = {},
  options: ExtractionOptions = {},
): Promise<ParquetExportResult> {
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
    if (storage.kind === 'embedded')
      return { count: await insertTripletsStaged(storage, target, filter, resolved, settings), pushedDown: true };
    const projected = projectedTriplets(await decisionFactsQueryFor(storage, filter, resolved), resolved, filter);
    const result = await storage.client.exec({
      query: `${projected.query} FORMAT Parquet`,
      query_params: projected.params,
      clickhouse_settings: settings,
    });
    await pipeline(result.stream, createWriteStream(file));
    return { count: null, pushedDown: true };
  }
  if (storage.kind !== 'embedded') {
    throw Object.assign(
      new Error(
        'Parquet with reward functions or episode returns needs the embedded engine (--data): a server cannot write to this machine',
      ),
      { code: 'TT_ADAPTERS_PARQUET_UNSUPPORTED' },
    );
  }
  let count = 0;
  const rows = Readable.from(
    (async function* () {
      for await (const triplet of readTriplets(storage, filter, options)) {
        count += 1;
        yield toProjectedRow(triplet);
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
  for await (const rows of result.stream<ProjectedTripletRow>()) {
    for (const row of rows) yield fromProjectedRow(row.json());
  }
}
