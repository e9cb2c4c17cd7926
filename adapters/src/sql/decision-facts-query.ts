import type { Storage } from '@tradetrace/storage';
import { MAX_ANCESTOR_DEPTH } from '../decision-facts.ts';
import type { ResolvedExtractionOptions } from '../extraction-options.ts';
import type { TripletFilter } from '../triplet-filter.ts';

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

const DECIDE = `SpanAttributes['trading.operation.name'] = 'decide'`;
const IS_LLM = `(SpanAttributes['gen_ai.operation.name'] != '' OR SpanAttributes['gen_ai.request.model'] != '')`;
/**
 * Cheap prefilters on the map's keys alone (a subcolumn): rows without the key never have their values read,
 * which spares the LLM messages on every scan but the one that needs them.
 */
const HAS_OPERATION = `PREWHERE mapContains(SpanAttributes, 'trading.operation.name')`;
const HAS_GEN_AI = `PREWHERE mapContains(SpanAttributes, 'gen_ai.operation.name') OR mapContains(SpanAttributes, 'gen_ai.request.model')`;
/**
 * A span's identity (trace id, span id) as one 128-bit hash: sets and joins on it hash one fixed-size value instead
 * of two strings. At 2^-64 odds of any collision among 2^32 spans it is as good as the ids.
 */
const SPAN_KEY = 'sipHash128(TraceId, SpanId)';
const PARENT_KEY = 'sipHash128(TraceId, ParentSpanId)';
/** A decision span's payload columns (`decision_spans`), as the merge carries them. */
const DECISION_COLUMNS = [
  'TraceId',
  'SpanId',
  'Timestamp',
  'ServiceName',
  'bot_id',
  'SpanAttributes',
  'decision_id',
  'StatusCode',
  'StatusMessage',
];
/** The attributes of an LLM span the facts carry, in the order of an LLM call's values (LLM_CALL). */
/** A span's bot: its own `trading.bot.id` when it carries one, else its resource's (docs/collector.md, "Who a row belongs to"). */
export const SPAN_BOT_ID = `if(mapContains(SpanAttributes, 'trading.bot.id'), SpanAttributes['trading.bot.id'], ResourceAttributes['trading.bot.id'])`;

export const LLM_KEYS: readonly string[] = [
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.provider.name',
  'gen_ai.system',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.system_instructions',
  'gen_ai.tool.definitions',
];

/** The column an LLM key's value is selected as. */
const llmColumn = (key: string) => `k_${key.replaceAll('.', '_')}`;
/**
 * A decision's calls (an array of LLM_CALL) with an LLM span stored twice (an exporter's retry) kept once: in the
 * owner's trace its span id names it. Filtering each decision's few calls costs less memory than a `LIMIT 1 BY` over
 * every call (1M bench decisions: a staged chunk's peak RSS 770-880 -> 735-800 MB).
 */
const oneCopyOfEachCall = (calls: string) =>
  `arrayFilter((call, n) -> indexOf(arrayMap(other -> other.1, ${calls}), call.1) = n, ${calls}, arrayEnumerate(${calls}))`;
/** An LLM call as the facts carry it: (span id, start ns, ...values of LLM_KEYS). */
const LLM_CALL = `tuple(SpanId, toString(toUnixTimestamp64Nano(Timestamp)), ${LLM_KEYS.map(llmColumn).join(', ')})`;

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

/** The CTEs that make the narrow facts, then those that merge them with the payloads, each in dependency order. */
const FACT_STEPS = [
  'all_decisions',
  'slow_starts',
  'slow_owners',
  'observations',
  'unlinked',
  'owners',
  'attached',
  'rewards',
  'positions',
  'orders',
  'prices',
  'decision_facts',
] as const;
const PAYLOAD_STEPS = ['llm_spans', 'llm', 'decision_spans', 'merged', 'decisions'] as const;
type CteName = (typeof FACT_STEPS)[number] | (typeof PAYLOAD_STEPS)[number];
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

function decisionFactsParts(
  storage: Storage,
  { filter, options, withLogs, withRegistry, staged }: DecisionFactsQueryInput,
  tables: StagedTables,
) {
  const spans = storage.table('otel_traces');
  const { conditions: where, params } = decisionFilterSql(filter);
  const horizon = options.horizonNs;
  if (horizon !== null) params.horizon_ns = horizon.toString();

  const rewardObservation = (decisionId: string, attrs: string, ts: string) =>
    `${decisionId} AS did, if(${attrs}['trading.reward.name'] = '', 'primary', ${attrs}['trading.reward.name']) AS name,
     toFloat64OrNull(${attrs}['trading.reward.value']) AS value, ${attrs}['trading.reward.kind'] AS kind,
     ${attrs}['trading.reward.unit'] AS unit, ${attrs}['trading.reward.primary'] = 'true' AS is_primary, ${ts} AS ts`;
  const logSource = withLogs
    ? `UNION ALL
  SELECT TraceId, SpanId, toString(ServiceName) AS service, [] AS link_traces, [] AS link_spans,
         ${rewardObservation(`LogAttributes['trading.decision.id']`, 'LogAttributes', 'Timestamp')}
  FROM ${storage.table('otel_logs')}
  WHERE LogAttributes['trading.reward.value'] != ''`
    : '';
  const timeMatch = options.matchByTime
    ? `UNION ALL
  SELECT d.decision_id, 3 AS rank, o.name, o.value, o.kind, o.unit, o.is_primary, o.ts
  FROM (SELECT * FROM observations WHERE did = '' AND empty(link_spans) AND ${SPAN_KEY} NOT IN (SELECT span_k FROM owners)) AS o
  ASOF INNER JOIN all_decisions AS d ON d.service = o.service AND d.Timestamp <= o.ts`
    : '';
  const priceJoin =
    horizon === null
      ? ''
      : `ASOF LEFT JOIN prices AS px ON px.symbol = d.symbol AND px.ts >= d.Timestamp + toIntervalNanosecond({horizon_ns:Int64})`;

  const cte: Record<CteName, string> = {
    all_decisions: `all_decisions AS MATERIALIZED (
  SELECT ${SPAN_KEY} AS k, TraceId, SpanId, Timestamp, toString(ServiceName) AS service, if(SpanAttributes['trading.decision.id'] = '', SpanId, SpanAttributes['trading.decision.id']) AS decision_id,
         SpanAttributes['trading.symbol'] AS symbol, SpanAttributes['trading.strategy.name'] AS strategy_name, SpanAttributes['trading.strategy.version'] AS strategy_version
  FROM ${spans} ${HAS_OPERATION} WHERE ${DECIDE}
  LIMIT 1 BY k
)`,
    slow_starts: `-- Ownership, on span keys only. Fast path: a span whose parent is a decide span belongs to it. Every other span
-- with a parent (in a trace that has decisions) follows parent ids up until a decide span (or a missing parent,
-- or the depth bound); the walk reads only the traces that hold such spans (found by a hash of their id: a set a
-- third the size, and a colliding trace only walks to no decision).
slow_starts AS MATERIALIZED (
  SELECT TraceId, SpanId, ParentSpanId FROM ${spans}
  PREWHERE ParentSpanId != '' AND cityHash64(TraceId) IN (SELECT cityHash64(TraceId) FROM all_decisions)
  WHERE ${SPAN_KEY} NOT IN (SELECT k FROM all_decisions) AND ${PARENT_KEY} NOT IN (SELECT k FROM all_decisions)
  LIMIT 1 BY TraceId, SpanId
)`,
    slow_owners: `slow_owners AS MATERIALIZED (
  WITH RECURSIVE
  nodes AS (
    SELECT TraceId, SpanId, ParentSpanId, ${SPAN_KEY} IN (SELECT k FROM all_decisions) AS is_decide
    FROM ${spans} PREWHERE TraceId IN (SELECT TraceId FROM slow_starts)
    -- One node per span: with both copies of a trace stored twice, each step of the walk would double its rows.
    LIMIT 1 BY TraceId, SpanId
  ),
  walk AS (
    SELECT TraceId, SpanId AS span_id, ParentSpanId AS cur, 0 AS depth FROM slow_starts
    UNION ALL
    SELECT w.TraceId, w.span_id, n.ParentSpanId, w.depth + 1
    FROM walk AS w INNER JOIN nodes AS n ON n.TraceId = w.TraceId AND n.SpanId = w.cur
    WHERE NOT n.is_decide AND n.ParentSpanId != '' AND w.depth < ${MAX_ANCESTOR_DEPTH}
  )
  SELECT DISTINCT sipHash128(TraceId, span_id) AS span_k, sipHash128(TraceId, cur) AS owner_k FROM walk
  WHERE sipHash128(TraceId, cur) IN (SELECT k FROM all_decisions)
)`,
    llm_spans: `-- LLM calls by owner: a direct child of a decide span by the fast path (its parent, no join: an owner that is no
-- decision meets none in the merge below), a deeper one by the walk's result.
llm_spans AS (
  SELECT SpanId, Timestamp, ${SPAN_KEY} AS span_k, ${PARENT_KEY} AS parent_k,
         ${LLM_KEYS.map((k) => `SpanAttributes['${k}'] AS ${llmColumn(k)}`).join(', ')}
  FROM ${spans} ${HAS_GEN_AI} WHERE ${IS_LLM} AND NOT ${DECIDE} AND ParentSpanId != ''
)`,
    llm: `llm AS (
  SELECT parent_k AS owner_k, * EXCEPT (span_k, parent_k) FROM llm_spans
  UNION ALL
  SELECT so.owner_k AS owner_k, s.* EXCEPT (span_k, parent_k)
  FROM (SELECT * FROM llm_spans WHERE span_k IN (SELECT span_k FROM slow_owners)) AS s INNER JOIN slow_owners AS so ON so.span_k = s.span_k
)`,
    observations: `observations AS MATERIALIZED (
  SELECT * FROM (
  SELECT TraceId, SpanId, toString(ServiceName) AS service, Links.TraceId AS link_traces, Links.SpanId AS link_spans,
         ${rewardObservation(`if(ev_attrs['trading.decision.id'] != '', ev_attrs['trading.decision.id'], SpanAttributes['trading.decision.id'])`, 'ev_attrs', 'ev_ts')}
  FROM ${spans}
  ARRAY JOIN Events.Name AS ev_name, Events.Attributes AS ev_attrs, Events.Timestamp AS ev_ts, arrayEnumerate(Events.Name) AS ev_index
  -- Spans without a reward event are dropped before their other columns (LLM messages included) are read.
  PREWHERE has(CAST(Events.Name, 'Array(String)'), 'trading.reward')
  WHERE toString(ev_name) = 'trading.reward'
  LIMIT 1 BY TraceId, SpanId, ev_index
  UNION ALL
  -- A reward span that carries its signal as attributes only (one that also has the event is counted by the event).
  SELECT TraceId, SpanId, toString(ServiceName) AS service, Links.TraceId, Links.SpanId,
         ${rewardObservation(`SpanAttributes['trading.decision.id']`, 'SpanAttributes', 'Timestamp')}
  FROM ${spans} ${HAS_OPERATION}
  WHERE SpanAttributes['trading.operation.name'] = 'reward' AND SpanAttributes['trading.reward.value'] != '' AND NOT has(CAST(Events.Name, 'Array(String)'), 'trading.reward')
  LIMIT 1 BY TraceId, SpanId
  ${logSource}
  ) WHERE isFinite(ifNull(value, nan))
)`,
    unlinked: `-- Owners of the reward observations that name no decision and link none (the ones ownership attaches).
unlinked AS MATERIALIZED (SELECT DISTINCT ${SPAN_KEY} AS k FROM observations WHERE did = '' AND empty(link_spans))`,
    owners: `owners AS (
  SELECT DISTINCT span_k, owner_k FROM (
    SELECT ${SPAN_KEY} AS span_k, ${PARENT_KEY} AS owner_k FROM ${spans}
    PREWHERE ${SPAN_KEY} IN (SELECT k FROM unlinked)
    WHERE ParentSpanId != '' AND owner_k IN (SELECT k FROM all_decisions) AND span_k NOT IN (SELECT k FROM all_decisions)
    UNION ALL
    SELECT span_k, owner_k FROM slow_owners WHERE span_k IN (SELECT k FROM unlinked)
  )
  UNION ALL
  SELECT k, k FROM all_decisions WHERE k IN (SELECT k FROM unlinked)
)`,
    attached: `attached AS (
  SELECT did AS decision_id, 0 AS rank, name, value, kind, unit, is_primary, ts FROM observations WHERE did != ''
  UNION ALL
  SELECT d.decision_id, 1 AS rank, o.name, o.value, o.kind, o.unit, o.is_primary, o.ts
  FROM all_decisions AS d
  INNER JOIN (
    SELECT name, value, kind, unit, is_primary, ts, sipHash128(link_trace, link_span) AS link_k FROM observations
    ARRAY JOIN link_traces AS link_trace, link_spans AS link_span
    WHERE did = '' AND notEmpty(link_spans)
  ) AS o ON o.link_k = d.k
  UNION ALL
  SELECT d.decision_id, 2 AS rank, o.name, o.value, o.kind, o.unit, o.is_primary, o.ts
  FROM all_decisions AS d
  INNER JOIN (
    -- The observations are the join's built side: when there are none, the owners' scan of every span is not run.
    SELECT w.owner_k AS owner_k, o.name AS name, o.value AS value, o.kind AS kind, o.unit AS unit, o.is_primary AS is_primary, o.ts AS ts
    FROM owners AS w
    INNER JOIN (SELECT *, ${SPAN_KEY} AS span_k FROM observations WHERE did = '' AND empty(link_spans)) AS o ON o.span_k = w.span_k
  ) AS o ON o.owner_k = d.k
  ${timeMatch}
)`,
    rewards: `-- A decision keeps the signals of its most explicit level only and, of each component name, the latest (by time,
-- then value, kind, unit, primary mark): sorted by name then that order, the last of each name. One aggregation, arrays per decision.
rewards AS (
  SELECT decision_id, min(rank) AS best_rank, 1 AS found,
         arraySort(s -> (s.1, s.4, s.2, s.3, s.6, s.7), arrayFilter(s -> s.5 = best_rank, groupArray(tuple(name, assumeNotNull(value), kind, ts, rank, unit, is_primary)))) AS kept,
         arrayMap(s -> tuple(s.1, s.2, s.3, toString(toUnixTimestamp64Nano(s.4)), s.6, s.7),
                  arrayFilter((s, i) -> i = length(kept) OR kept[i + 1].1 != s.1, kept, arrayEnumerate(kept))) AS components,
         length(kept) AS reward_count
  FROM attached GROUP BY decision_id
)`,
    positions: `positions AS (
  SELECT SpanAttributes['trading.decision.id'] AS decision_id, 1 AS found,
         sum(toFloat64OrZero(SpanAttributes['trading.position.realized_pnl'])) AS realized_pnl,
         sum(toFloat64OrZero(SpanAttributes['trading.position.realized_return'])) AS realized_return,
         minIf(SpanAttributes['trading.position.id'], SpanAttributes['trading.position.id'] != '') AS position_id
  FROM (SELECT SpanAttributes FROM ${spans} ${HAS_OPERATION} WHERE SpanAttributes['trading.operation.name'] = 'close_position' AND SpanAttributes['trading.decision.id'] != '' LIMIT 1 BY TraceId, SpanId)
  GROUP BY decision_id
)`,
    orders: `orders AS (
  SELECT SpanAttributes['trading.decision.id'] AS decision_id, count() AS orders,
         sum(toFloat64OrZero(SpanAttributes['trading.order.filled'])) AS filled_amount,
         minIf(SpanAttributes['trading.position.id'], SpanAttributes['trading.position.id'] != '') AS position_id
  FROM (SELECT SpanAttributes FROM ${spans} ${HAS_OPERATION} WHERE SpanAttributes['trading.operation.name'] = 'submit_order' AND SpanAttributes['trading.decision.id'] != '' LIMIT 1 BY TraceId, SpanId)
  GROUP BY decision_id
)`,
    prices:
      horizon === null
        ? ''
        : `prices AS (
  SELECT SpanAttributes['trading.symbol'] AS symbol, Timestamp AS ts, toFloat64OrNull(SpanAttributes['trading.context.price']) AS price
  FROM ${spans} ${HAS_OPERATION} WHERE ${DECIDE} AND price IS NOT NULL AND isFinite(assumeNotNull(price))
)`,
    decision_facts: `-- Ids and numbers per decision: the joins carry no payload.
decision_facts AS (
  SELECT d.k AS k, d.Timestamp AS Timestamp,
         tuple(r.found, r.components, r.reward_count, r.best_rank, p.found, p.realized_pnl, p.realized_return, o.orders, o.filled_amount,
               if(o.position_id = '' OR (p.position_id != '' AND p.position_id < o.position_id), p.position_id, o.position_id),
               ${horizon === null ? "CAST(NULL, 'Nullable(Float64)')" : 'px.price'}, ${withRegistry ? 'sv.config' : "''"}) AS facts
  FROM all_decisions AS d
  LEFT JOIN rewards AS r ON r.decision_id = d.decision_id
  LEFT JOIN positions AS p ON p.decision_id = d.decision_id
  LEFT JOIN orders AS o ON o.decision_id = d.decision_id
  ${priceJoin}
  ${
    withRegistry
      ? `LEFT JOIN (SELECT strategy_name, version, argMax(config, created_at) AS config FROM ${storage.table('strategy_versions')} GROUP BY strategy_name, version) AS sv
    ON sv.strategy_name = d.strategy_name AND sv.version = d.strategy_version`
      : ''
  }
)`,
    decision_spans: `decision_spans AS (
  SELECT ${SPAN_KEY} AS k, TraceId, SpanId, Timestamp, ServiceName, ${SPAN_BOT_ID} AS bot_id, SpanAttributes,
         if(SpanAttributes['trading.decision.id'] = '', SpanId, SpanAttributes['trading.decision.id']) AS decision_id,
         toString(StatusCode) AS StatusCode, StatusMessage
  FROM ${spans} ${HAS_OPERATION} WHERE ${[DECIDE, ...where].join(' AND ')}
  LIMIT 1 BY k
)`,
    merged: `-- The wide payloads (the decision's attributes, its LLM calls) meet its facts in one aggregation by span key, which
-- spills to disk past its memory bound, instead of hash joins holding them.
merged AS (
  SELECT k, groupArrayArray(ds) AS ds, groupArrayArray(calls) AS calls, groupArrayArray(fs) AS fs
  FROM (
    SELECT k, [tuple(${DECISION_COLUMNS.join(', ')})] AS ds, [] AS calls, [] AS fs FROM decision_spans
    UNION ALL
    SELECT owner_k, [], [${LLM_CALL}], [] FROM llm
    UNION ALL
    SELECT k, [], [], [facts] FROM decision_facts
  )
  GROUP BY k HAVING notEmpty(ds)
)`,
    decisions:
      staged === undefined
        ? `decisions AS (
  SELECT ${DECISION_COLUMNS.map((c, i) => `d.${i + 1} AS ${c}`).join(', ')}, ${oneCopyOfEachCall('calls')} AS calls, fs[1] AS f
  FROM merged ARRAY JOIN ds AS d
)`
        : `-- A staged chunk's payloads are bounded by the chunk, so they meet in hash joins, which cost
-- less than the aggregation (1M bench decisions in chunks of 60k: 0.62 -> 0.39 s per chunk).
decisions AS (
  SELECT ${DECISION_COLUMNS.map((c) => `d.${c} AS ${c}`).join(', ')}, ${oneCopyOfEachCall('c.calls')} AS calls, fa.facts AS f
  FROM decision_spans AS d
  ANY LEFT JOIN decision_facts AS fa ON fa.k = d.k
  LEFT JOIN (SELECT owner_k, groupArray(${LLM_CALL}) AS calls FROM llm GROUP BY owner_k) AS c ON c.owner_k = d.k
)`,
  };
  const select = `SELECT
  d.decision_id AS decision_id, d.TraceId AS trace_id, d.SpanId AS span_id,
  toString(toUnixTimestamp64Nano(d.Timestamp)) AS start_ns,
  d.ServiceName AS service_name, d.bot_id AS bot_id, d.SpanAttributes AS attributes,
  d.StatusCode AS status_code, d.StatusMessage AS status_message,
  d.calls AS llm_calls,
  d.f.1 AS has_reward, d.f.2 AS reward_components, d.f.3 AS reward_count, d.f.4 AS reward_rank,
  d.f.5 AS has_position, d.f.6 AS realized_pnl, d.f.7 AS realized_return,
  d.f.8 AS orders, d.f.9 AS filled_amount, d.f.10 AS position_id,
  d.f.11 AS price_at_horizon,
  d.f.12 AS strategy_config,
  if(d.SpanAttributes['trading.episode.id'] != '', d.SpanAttributes['trading.episode.id'],
     if(d.SpanAttributes['trading.position.id'] != '', d.SpanAttributes['trading.position.id'], position_id)) AS episode_key
FROM decisions AS d`;
  // A staged chunk reads the facts and LLM calls of the decisions in the filter's time range (the filter's own bounds,
  // bound above as parameters).
  const timeRange = (column: string) => {
    const bounds = [
      filter.since && `${column} >= {since:DateTime64(9)}`,
      filter.until && `${column} < {until:DateTime64(9)}`,
    ].filter(Boolean);
    return bounds.length > 0 ? ` WHERE ${bounds.join(' AND ')}` : '';
  };
  for (const step of STAGED_STEPS) {
    const table = tables[step];
    if (table === undefined) continue;
    const range =
      step === 'decision_facts'
        ? timeRange('Timestamp')
        : step === 'llm' && tables.decision_facts !== undefined
          ? timeRange('owner_ts')
          : '';
    cte[step] = `${step} AS (SELECT * FROM ${table}${range})`;
  }
  return { cte, select, params };
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
