import type { Storage } from '@tradetrace/storage';
import type { ResolvedExtractionOptions } from '../extraction-options.ts';
import type { TripletFilter } from '../triplet-filter.ts';
import {
  CTE_BUILDERS,
  type CteName,
  type CteSources,
  DECIDE,
  DECISION_FACTS_SELECT,
  FACT_STEPS,
  PAYLOAD_STEPS,
} from './decision-facts-ctes.ts';

export interface DecisionFactsQuery {
  /** SELECT without FORMAT or SETTINGS: readers append one, or wrap it (triplet projection, Parquet file). */
  query: string;
  params: Record<string, unknown>;
}

/**
 * Settings the query relies on: unmatched LEFT JOIN columns are defaults (0, '', []), which the mappers expect;
 * and no merging or pushing down of filters, which in ClickHouse 26.7 fails on the reward union ("Invalid cast from
 * LowCardinality(UInt8) to native type") for some data.
 */
export const DECISION_FACTS_SETTINGS = {
  join_use_nulls: 0,
  query_plan_merge_filters: 0,
  query_plan_filter_push_down: 0,
  // Joins carry ids and numbers, or (a staged chunk) payloads bounded by the chunk, so they run in memory, in hash
  // tables built by every thread (plain hash builds on one; where parallel cannot run, e.g. ASOF, it is the fallback).
  // The client's type lists single algorithms; ClickHouse takes a list.
  // Aggregations and the final sort spill to disk instead of growing memory.
  join_algorithm: 'parallel_hash,hash' as 'parallel_hash',
  max_bytes_before_external_group_by: '268435456',
  max_bytes_before_external_sort: '268435456',
  // Rows here are wide (attributes, LLM messages): blocks of 8,192 rows instead of 65,409 keep every stage's buffers
  // small (1M decisions: peak RSS 3.5 → 2.9 GB, and faster).
  max_block_size: '8192',
} as const;

export interface DecisionFactsQueryInput {
  filter: TripletFilter;
  options: ResolvedExtractionOptions;
  /** Whether reward log records (`otel_logs`) exist to read. */
  withLogs: boolean;
  /** Whether the strategy registry (`strategy_versions`) exists to read configs from. */
  withRegistry: boolean;
  /**
   * Tables of a staged extraction (sql/staged-extraction.ts) to read instead of computing: the query then merges
   * the payloads of the decisions in the filter's time range, unordered.
   */
  staged?: Required<Pick<StagedTables, 'llm' | 'decision_facts'>>;
}

/** The query's input for this storage: which of the optional tables exist. */
export async function decisionFactsInputFor(
  storage: Storage,
  filter: TripletFilter,
  options: ResolvedExtractionOptions,
): Promise<DecisionFactsQueryInput> {
  const result = await storage.client.query({
    query: `SELECT name FROM system.tables WHERE database = {db:String} AND name IN ('otel_logs', 'strategy_versions')`,
    query_params: { db: storage.database },
    format: 'JSONEachRow',
  });
  const tables = new Set((await result.json<{ name: string }>()).map((r) => r.name));
  return { filter, options, withLogs: tables.has('otel_logs'), withRegistry: tables.has('strategy_versions') };
}

/** One part of a sort key over rows: an expression over their columns, its type, and the column of a row that holds its value. */
export interface SortKeyPart<Row> {
  expression: string;
  type: string;
  column: keyof Row & string;
}

/** The order of the facts rows (docs/triplets.md): by time, then ids; grouped by episode first when `gamma` is set. */
export function decisionFactsOrder(options: ResolvedExtractionOptions): SortKeyPart<DecisionFactsRow>[] {
  const ids = (['decision_id', 'trace_id', 'span_id'] as const).map((column) => ({
    expression: column,
    type: 'String',
    column,
  }));
  const time = { expression: 'toInt64(start_ns)', type: 'Int64', column: 'start_ns' } as const;
  return [
    ...(options.gamma === null ? [] : [{ expression: 'episode_key', type: 'String', column: 'episode_key' } as const]),
    time,
    ...ids,
  ];
}

/**
 * The steps of a staged extraction, in order: each one's narrow result (`decisionFactsStep`) goes to a table that
 * the later steps read instead of computing it again.
 */
export const STAGED_STEPS = [
  'all_decisions',
  'slow_owners',
  'llm',
  'observations',
  'rewards',
  'decision_facts',
] as const;
export type StagedStep = (typeof STAGED_STEPS)[number];
export type StagedTables = Partial<Record<StagedStep, string>>;

/** The filter as conditions on decide spans of `otel_traces`, with bound parameters. */
export function decisionFilterSql(filter: TripletFilter): { conditions: string[]; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const conditions: string[] = [];
  const bind = (name: string, type: string, value: unknown, condition: string) => {
    params[name] = value;
    conditions.push(condition.replace('?', `{${name}:${type}}`));
  };
  if (filter.since) bind('since', 'DateTime64(9)', filter.since.getTime() / 1000, 'Timestamp >= ?');
  if (filter.until) bind('until', 'DateTime64(9)', filter.until.getTime() / 1000, 'Timestamp < ?');
  if (filter.service) bind('service', 'String', filter.service, 'toString(ServiceName) = ?');
  if (filter.strategyVersion)
    bind('strategy_version', 'String', filter.strategyVersion, `SpanAttributes['trading.strategy.version'] = ?`);
  if (filter.symbol) bind('symbol', 'String', filter.symbol, `SpanAttributes['trading.symbol'] = ?`);
  if (filter.mode) bind('mode', 'String', filter.mode, `SpanAttributes['trading.mode'] = ?`);
  return { conditions, params };
}

export const DECIDE_CONDITION = DECIDE;

/**
 * The SQL engine of triplet extraction, pushed down into ClickHouse. Same rules as the span-tree engine
 * (tree/decision-facts-from-spans.ts); docs/triplets.md states them:
 * - a span belongs to the nearest `decide` span above it (ownership walk by parent ids, never by time);
 * - a reward signal (span event, reward span, reward log record) attaches by its decision id if it names one,
 *   else by its span links, else by ownership, else (opt-in) to the latest earlier decision of its service;
 * - a decision keeps only the signals of its most explicit level, latest value per component name;
 * - a span stored twice (one trace and span id) counts once: `LIMIT 1 BY` its key where spans are read, a `DISTINCT`
 *   of the result, or (LLM calls) a filter of each decision's calls by span id.
 */
export function decisionFactsQuery(storage: Storage, input: DecisionFactsQueryInput): DecisionFactsQuery {
  const { cte, select, params } = decisionFactsParts(storage, input, input.staged ?? {});
  // Staged: the steps' tables stand in for the fact CTEs, and the table the rows go to orders them.
  if (input.staged)
    return { query: withCtes(cte, ['llm', 'decision_facts', 'decision_spans', 'decisions'], select), params };
  const order = decisionFactsOrder(input.options).map((part) => part.expression);
  return { query: withCtes(cte, [...FACT_STEPS, ...PAYLOAD_STEPS], `${select}\nORDER BY ${order.join(', ')}`), params };
}

/**
 * One step of a staged extraction: that CTE's rows for every decision, the earlier steps read from `tables`. LLM calls
 * carry their owner's time (`owner_ts`), so that a chunk of decisions finds its calls by time range.
 */
export function decisionFactsStep(
  storage: Storage,
  input: DecisionFactsQueryInput,
  step: StagedStep,
  tables: StagedTables,
): DecisionFactsQuery {
  const { cte, params } = decisionFactsParts(storage, input, tables);
  // Calls without an owner got the default key: the join drops them.
  const select =
    step === 'llm'
      ? 'SELECT l.*, d.Timestamp AS owner_ts FROM llm AS l INNER JOIN all_decisions AS d ON d.k = l.owner_k'
      : `SELECT * FROM ${step}`;
  return { query: withCtes(cte, STEP_CTES[step], select), params };
}

const STEP_CTES: Record<StagedStep, readonly CteName[]> = {
  all_decisions: ['all_decisions'],
  slow_owners: ['all_decisions', 'slow_starts', 'slow_owners'],
  llm: ['all_decisions', 'slow_owners', 'llm_spans', 'llm'],
  observations: ['observations'],
  rewards: ['all_decisions', 'slow_owners', 'observations', 'unlinked', 'owners', 'attached', 'rewards'],
  decision_facts: ['all_decisions', 'rewards', 'positions', 'orders', 'prices', 'decision_facts'],
};

/** `WITH` the named CTEs (an empty one is not part of this query, e.g. prices without a horizon), then `tail`. */
function withCtes(cte: Record<CteName, string>, names: readonly CteName[], tail: string): string {
  return `\nWITH\n${names
    .map((name) => cte[name])
    .filter((text) => text !== '')
    .join(',\n')}\n${tail}`;
}

/** The query's CTEs by name (the staged steps' tables in place of theirs) and its final SELECT. */
function decisionFactsParts(
  storage: Storage,
  { filter, options, withLogs, withRegistry, staged }: DecisionFactsQueryInput,
  tables: StagedTables,
) {
  const { conditions: where, params } = decisionFilterSql(filter);
  if (options.horizonNs !== null) params.horizon_ns = options.horizonNs.toString();
  const sources: CteSources = {
    spans: storage.table('otel_traces'),
    logs: withLogs ? storage.table('otel_logs') : null,
    registry: withRegistry ? storage.table('strategy_versions') : null,
    matchByTime: options.matchByTime,
    withHorizon: options.horizonNs !== null,
    where,
    staged: staged !== undefined,
  };
  const cte = Object.fromEntries(
    (Object.keys(CTE_BUILDERS) as CteName[]).map((name) => [name, CTE_BUILDERS[name](sources)]),
  ) as Record<CteName, string>;
  Object.assign(cte, stagedStepCtes(filter, tables));
  return { cte, select: DECISION_FACTS_SELECT, params };
}

/**
 * The CTEs of the steps a staged extraction has stored, reading their tables. A staged chunk reads the facts and LLM
 * calls of the decisions in the filter's time range (the filter's own bounds, bound as parameters by decisionFilterSql).
 */
function stagedStepCtes(filter: TripletFilter, tables: StagedTables): Partial<Record<StagedStep, string>> {
  const timeRange = (column: string) => {
    const bounds = [
      filter.since && `${column} >= {since:DateTime64(9)}`,
      filter.until && `${column} < {until:DateTime64(9)}`,
    ].filter(Boolean);
    return bounds.length > 0 ? ` WHERE ${bounds.join(' AND ')}` : '';
  };
  const ctes: Partial<Record<StagedStep, string>> = {};
  for (const step of STAGED_STEPS) {
    const table = tables[step];
    if (table === undefined) continue;
    const range =
      step === 'decision_facts'
        ? timeRange('Timestamp')
        : step === 'llm' && tables.decision_facts !== undefined
          ? timeRange('owner_ts')
          : '';
    ctes[step] = `${step} AS (SELECT * FROM ${table}${range})`;
  }
  return ctes;
}

/** A row of `decisionFactsQuery` as JSONEachRow returns it (64-bit integers quoted). */
export interface DecisionFactsRow {
  decision_id: string;
  trace_id: string;
  span_id: string;
  start_ns: string;
  service_name: string;
  bot_id: string;
  attributes: Record<string, string>;
  status_code: string;
  status_message: string;
  /** (span id, start ns, ...values of LLM_KEYS). */
  llm_calls: string[][];
  has_reward: number;
  /** (name, value, kind, observed ns, unit, primary mark) */
  reward_components: [string, number, string, string, string, boolean | number][];
  reward_count: string | number;
  reward_rank: number;
  has_position: number;
  realized_pnl: number;
  realized_return: number;
  orders: string | number;
  filled_amount: number;
  position_id: string;
  price_at_horizon: number | null;
  strategy_config: string;
  episode_key: string;
}
