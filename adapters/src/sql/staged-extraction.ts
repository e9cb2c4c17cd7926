import { randomUUID } from 'node:crypto';
import type { Storage } from '@tradetrace/storage';
import type { ResolvedExtractionOptions } from '../extraction-options.ts';
import type { TripletFilter } from '../triplet-filter.ts';
import {
  DECISION_FACTS_SETTINGS,
  decisionFactsInputFor,
  decisionFactsQuery,
  decisionFactsStep,
  decisionFilterSql,
  STAGED_STEPS,
  type DecisionFactsQuery,
  type SortKeyPart,
  type StagedStep,
  type StagedTables,
} from './decision-facts-query.ts';
import type { ProjectedTripletRow } from './projected-triplet-row.ts';
import { projectedTriplets, TRIPLET_STRUCTURE } from './triplet-projection.ts';

type QuerySettings = NonNullable<Parameters<Storage['client']['command']>[0]['clickhouse_settings']>;

/**
 * How much one chunk merges: at most this many decisions, and at most this many bytes of LLM messages (the payload
 * that grows with prompts); its hash joins hold the chunk's LLM calls. 1M bench decisions, whole export (alternated
 * runs) and peak RSS by decisions per chunk: 60k 29-33 s, 0.90 GB; 100k 27-32 s, 0.85 GB; 120k 0.85-0.88 GB;
 * 150k 1.02-1.06 GB (each chunk costs about 0.1 s on its own).
 */
export const CHUNK_BOUND: ChunkBound = { decisions: 100_000, llmMessageBytes: 64 * 1024 * 1024 };

/** The most one chunk of a staged extraction merges. */
export interface ChunkBound {
  decisions: number;
  llmMessageBytes: number;
}

/** How each step's table is sorted: by the key its readers look rows up by, the facts by the time ranges of the chunks. */
const STEP_ORDER: Record<StagedStep, string> = {
  all_decisions: 'k',
  slow_owners: 'span_k',
  llm: 'owner_ts',
  observations: 'tuple()',
  rewards: 'decision_id',
  decision_facts: 'Timestamp',
};

/**
 * A step writes parts of 16 MiB (the default squashes up to 256 MiB in memory before writing one) and its aggregations
 * (rewards per decision) spill past 64 MiB: 1M decisions, the largest step's peak RSS 1.17 -> 0.85 GB.
 */
const STEP_SETTINGS = 'SETTINGS min_insert_block_size_bytes = 16777216, max_bytes_before_external_group_by = 67108864';

/**
 * The tables' own settings: no merges. Each table is written once, read by the statements after it and dropped;
 * merging its parts in the background only takes CPU and memory from them (1M decisions: twelve merges of the LLM
 * calls' and the output's parts, 21 s of CPU, half the export's time).
 */
const TABLE_SETTINGS =
  'SETTINGS max_bytes_to_merge_at_max_space_in_pool = 1, max_bytes_to_merge_at_min_space_in_pool = 1';

/**
 * Writing the output's table in order: its parts (one or more per chunk, in the chunks' order) are merged without
 * buffering each one ahead, and a part is opened when the merge reaches its first key (200k bench decisions in ten
 * chunks: the Parquet write's peak RSS 619 -> 477 MB).
 */
const IN_ORDER_SETTINGS = { read_in_order_use_buffering: 0, read_in_order_use_virtual_row: 1 } as const;

/** What a staged extraction keeps of each chunk: rows made from the chunk's facts query, in a table sorted by `sortKey`. */
export interface StagedOutput<Row> {
  /** The rows' columns; without it, those of the rows themselves. */
  structure?: string;
  /** The table's sort key, which is the output order. */
  sortKey: readonly SortKeyPart<Row>[];
  rows(facts: DecisionFactsQuery, chunk: TripletFilter): DecisionFactsQuery;
}

/** The triplets the engine projects itself (TRIPLET_STRUCTURE), in the output order: RFC 3339 text with nine fraction digits sorts as the time it spells. */
export function projectedTripletsOutput(options: ResolvedExtractionOptions): StagedOutput<ProjectedTripletRow> {
  const sortKey = (['timestamp', 'decision_id', 'trace_id', 'span_id'] as const).map((column) => ({
    expression: column,
    type: 'String',
    column,
  }));
  return { structure: TRIPLET_STRUCTURE, sortKey, rows: (facts, chunk) => projectedTriplets(facts, options, chunk) };
}

/** A staged extraction's rows: a temporary table of this session, kept until `drop`. */
export interface StagedRows {
  table: string;
  /** The output's sort key as an ORDER BY list. */
  orderBy: string;
  drop(): Promise<void>;
}

/**
 * Makes an extraction's rows in steps, so that no step holds every decision's payload or every intermediate result:
 * the decisions, the ownership walk's result, the LLM calls with their owner's time, the reward observations, the
 * rewards and every decision's facts go to temporary tables one after the other, then the payloads are merged time
 * range by time range into the output's table, which callers read in order. The step tables are dropped before this
 * returns; the output's table when the caller drops it.
 */
export async function stageExtraction<Row>(
  storage: Storage,
  filter: TripletFilter,
  options: ResolvedExtractionOptions,
  settings: QuerySettings,
  output: StagedOutput<Row>,
  chunkBound: ChunkBound = CHUNK_BOUND,
): Promise<StagedRows> {
  const input = await decisionFactsInputFor(storage, filter, options);
  const unique = randomUUID().replaceAll('-', '');
  const tables = Object.fromEntries(
    STAGED_STEPS.map((step) => [step, `tt_${step}_${unique}`]),
  ) as Required<StagedTables>;
  const target = `tt_rows_${unique}`;
  const orderBy = output.sortKey.map((part) => part.expression).join(', ');
  // Tries every table, then reports the first failure.
  const drop = async (names: string[]) => {
    let failure: unknown;
    for (const table of names)
      await storage.client
        .command({ query: `DROP TEMPORARY TABLE IF EXISTS ${table}` })
        .catch((error: unknown) => (failure ??= error));
    if (failure !== undefined) throw failure;
  };
  let staged = false;
  try {
    const done: StagedTables = {};
    for (const step of STAGED_STEPS) {
      const { query, params } = decisionFactsStep(storage, input, step, done);
      await runAndPurge(
        storage,
        `CREATE TEMPORARY TABLE ${tables[step]} ENGINE = MergeTree ORDER BY ${STEP_ORDER[step]} ${TABLE_SETTINGS} AS ${query} ${STEP_SETTINGS}`,
        params,
        settings,
      );
      done[step] = tables[step];
    }
    const chunks = (await chunkFilters(storage, tables, filter, chunkBound)).map((chunk) =>
      output.rows(decisionFactsQuery(storage, { ...input, filter: chunk, staged: tables }), chunk),
    );
    const create = `CREATE TEMPORARY TABLE ${target} ${output.structure === undefined ? '' : `(${output.structure})`} ENGINE = MergeTree ORDER BY (${orderBy}) ${TABLE_SETTINGS}`;
    // Without a structure, the first chunk's query gives the columns (`EMPTY AS`: its rows are not made).
    if (output.structure === undefined)
      await runAndPurge(storage, `${create} EMPTY AS ${chunks[0]!.query}`, chunks[0]!.params, settings);
    else await runAndPurge(storage, create, {}, settings);
    for (const chunk of chunks)
      await runAndPurge(storage, `INSERT INTO ${target} ${chunk.query}`, chunk.params, settings);
    staged = true;
    return { table: target, orderBy, drop: () => drop([target]) };
  } finally {
    // After a failed step its error is the one to report (temporary tables go with the session in any case).
    if (staged) await drop(Object.values(tables));
    else await drop([...Object.values(tables), target]).catch(() => undefined);
  }
}

/**
 * Stages an extraction's rows (`stageExtraction`) and reads them back in order a page at a time, each page from the
 * last one's sort key (the staged table's primary key finds it): the engine's memory stays bounded by its largest
 * step, and the embedded engine hands back whole results, so pages keep this side's flat too. Embedded engine only:
 * a server's temporary tables live in a session of their own.
 */
export async function* readStagedRows<Row extends object>(
  storage: Storage,
  filter: TripletFilter,
  options: ResolvedExtractionOptions,
  output: StagedOutput<Row>,
  { pageRows, settings = {}, chunkBound }: { pageRows: number; settings?: QuerySettings; chunkBound?: ChunkBound },
): AsyncGenerator<Row> {
  const staged = await stageExtraction(storage, filter, options, DECISION_FACTS_SETTINGS, output, chunkBound);
  const key = output.sortKey;
  const after = `WHERE ${afterKey(key)}`;
  try {
    // The key is unique (spans stored twice are one decision), so each page starts right after the last one's key.
    let last: Row | undefined;
    for (;;) {
      const result = await storage.client.query({
        query: `SELECT * FROM ${staged.table} ${last === undefined ? '' : after} ORDER BY ${staged.orderBy} LIMIT ${pageRows}`,
        query_params: last === undefined ? {} : Object.fromEntries(key.map((part, i) => [`k${i}`, last![part.column]])),
        format: 'JSONEachRow',
        clickhouse_settings: settings,
      });
      const rows = await result.json<Row>();
      yield* rows;
      if (rows.length < pageRows) return;
      last = rows.at(-1);
    }
  } finally {
    await staged.drop();
  }
}

/**
 * `(k0, k1, ...) > ({k0}, {k1}, ...)` spelled part by part (`k0 > {k0} OR (k0 = {k0} AND (k1 > ...))`), which the
 * primary key's index can use where it cannot use a comparison of tuples: with `--gamma` the first part is the
 * episode, which many decisions share, and each page would read them all again.
 */
function afterKey<Row>(key: readonly SortKeyPart<Row>[], i = 0): string {
  const [part, value] = [key[i]!.expression, `{k${i}:${key[i]!.type}}`];
  return i === key.length - 1
    ? `${part} > ${value}`
    : `${part} > ${value} OR (${part} = ${value} AND (${afterKey(key, i + 1)}))`;
}

/** Stages the triplets the engine projects itself and inserts them into `target` (an `INSERT INTO` target) in order. Returns the rows inserted. */
export async function insertTripletsStaged(
  storage: Storage,
  target: string,
  filter: TripletFilter,
  options: ResolvedExtractionOptions,
  settings: QuerySettings,
  chunkBound: ChunkBound = CHUNK_BOUND,
): Promise<number> {
  const staged = await stageExtraction(
    storage,
    filter,
    options,
    settings,
    projectedTripletsOutput(options),
    chunkBound,
  );
  try {
    await runAndPurge(
      storage,
      `INSERT INTO ${target} SELECT * FROM ${staged.table} ORDER BY ${staged.orderBy}`,
      {},
      { ...settings, ...IN_ORDER_SETTINGS },
    );
    const result = await storage.client.query({
      query: `SELECT count() AS n FROM ${staged.table}`,
      format: 'JSONEachRow',
    });
    return Number((await result.json<{ n: string }>())[0]?.n ?? 0);
  } finally {
    await staged.drop();
  }
}

/**
 * Runs one statement, then hands the engine's freed pages back: its allocator keeps what a step freed, and purging
 * after each bounds the peak by the largest step instead of what the earlier ones left (1M decisions: 1.0 -> 0.9 GB).
 */
async function runAndPurge(
  storage: Storage,
  query: string,
  params: DecisionFactsQuery['params'],
  settings: QuerySettings,
): Promise<void> {
  await storage.client.command({ query, query_params: params, clickhouse_settings: settings });
  await storage.client.command({ query: 'SYSTEM JEMALLOC PURGE' });
}

/**
 * The filter split into time ranges within `bound` (equal numbers of decisions, as many ranges as the larger of
 * the two measures needs), at millisecond bounds (the filter's precision); decisions of one instant always fall in one range.
 */
async function chunkFilters(
  storage: Storage,
  tables: Required<StagedTables>,
  filter: TripletFilter,
  bound: ChunkBound,
): Promise<TripletFilter[]> {
  const { conditions, params } = decisionFilterSql({ since: filter.since, until: filter.until });
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  // LLM calls fall in a range by their owner's time, under the name the range conditions use.
  const sized = await storage.client.query({
    query: `SELECT (SELECT count() FROM ${tables.decision_facts} ${where}) AS decisions,
      (SELECT sum(bytes) FROM (SELECT owner_ts AS Timestamp, length(k_gen_ai_input_messages) + length(k_gen_ai_output_messages) AS bytes FROM ${tables.llm}) ${where}) AS bytes`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const [size] = await sized.json<{ decisions: string; bytes: string }>();
  const chunks = Math.ceil(
    Math.max(Number(size?.decisions ?? 0) / bound.decisions, Number(size?.bytes ?? 0) / bound.llmMessageBytes),
  );
  if (chunks <= 1) return [filter];
  const levels = Array.from({ length: chunks - 1 }, (_, i) => (i + 1) / chunks).join(', ');
  const result = await storage.client.query({
    query: `SELECT arraySort(arrayDistinct(arrayMap(q -> toInt64(q), quantiles(${levels})(toUnixTimestamp64Milli(Timestamp))))) AS bounds FROM ${tables.decision_facts} ${where}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const bounds = ((await result.json<{ bounds: string[] }>())[0]?.bounds ?? []).map((ms) => new Date(Number(ms)));
  return [filter.since, ...bounds].map((since, i) => ({ ...filter, since, until: bounds[i] ?? filter.until }));
}
