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
  // Large exports spill joins (grace hash; plain hash where grace cannot run, e.g. ASOF), aggregations and the
  // final sort to disk instead of growing memory. The client's type lists single algorithms; ClickHouse takes a list.
  join_algorithm: 'grace_hash,hash' as 'grace_hash',
  grace_hash_join_initial_buckets: '8',
  max_bytes_before_external_group_by: '268435456',
  max_bytes_before_external_sort: '268435456',
} as const;

export interface DecisionFactsQueryInput {
  filter: TripletFilter;
  options: ResolvedExtractionOptions;
  /** Whether reward log records (`otel_logs`) exist to read. */
  withLogs: boolean;
  /** Whether the strategy registry (`strategy_versions`) exists to read configs from. */
  withRegistry: boolean;
}

const DECIDE = `SpanAttributes['trading.operation.name'] = 'decide'`;
const IS_LLM = `(SpanAttributes['gen_ai.operation.name'] != '' OR SpanAttributes['gen_ai.request.model'] != '')`;
/**
 * Cheap prefilters on the map's keys alone (a subcolumn): rows without the key never have their values read,
 * which spares the LLM messages on every scan but the one that needs them.
 */
const HAS_OPERATION = `PREWHERE mapContains(SpanAttributes, 'trading.operation.name')`;
const HAS_GEN_AI = `PREWHERE mapContains(SpanAttributes, 'gen_ai.operation.name') OR mapContains(SpanAttributes, 'gen_ai.request.model')`;
export const LLM_KEYS = ['gen_ai.request.model', 'gen_ai.response.model', 'gen_ai.provider.name', 'gen_ai.system', 'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens'];

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
  if (filter.strategyVersion) bind('strategy_version', 'String', filter.strategyVersion, `SpanAttributes['trading.strategy.version'] = ?`);
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
 * - a decision keeps only the signals of its most explicit level, latest value per component name.
 */
export function decisionFactsQuery(storage: Storage, { filter, options, withLogs, withRegistry }: DecisionFactsQueryInput): DecisionFactsQuery {
  const spans = storage.table('otel_traces');
  const { conditions: where, params } = decisionFilterSql(filter);
  const horizon = options.horizonNs;
  if (horizon !== null) params.horizon_ns = horizon.toString();

  const rewardObservation = (decisionId: string, attrs: string, ts: string) =>
    `${decisionId} AS did, if(${attrs}['trading.reward.name'] = '', 'primary', ${attrs}['trading.reward.name']) AS name,
     toFloat64OrNull(${attrs}['trading.reward.value']) AS value, ${attrs}['trading.reward.kind'] AS kind, ${ts} AS ts`;
  const logSource = withLogs
    ? `UNION ALL
  SELECT TraceId, SpanId, toString(ServiceName) AS service, [] AS link_traces, [] AS link_spans,
         ${rewardObservation(`LogAttributes['trading.decision.id']`, 'LogAttributes', 'Timestamp')}
  FROM ${storage.table('otel_logs')}
  WHERE LogAttributes['trading.reward.value'] != ''`
    : '';
  const timeMatch = options.matchByTime
    ? `UNION ALL
  SELECT d.decision_id, 3 AS rank, o.name, o.value, o.kind, o.ts
  FROM (SELECT * FROM observations WHERE did = '' AND empty(link_spans) AND (TraceId, SpanId) NOT IN (SELECT TraceId, span_id FROM owners)) AS o
  ASOF INNER JOIN all_decisions AS d ON d.service = o.service AND d.Timestamp <= o.ts`
    : '';
  const priceJoin =
    horizon === null
      ? ''
      : `ASOF LEFT JOIN prices AS px ON px.symbol = d.SpanAttributes['trading.symbol'] AND px.ts >= d.Timestamp + toIntervalNanosecond({horizon_ns:Int64})`;
  const order = options.gamma === null ? 'd.Timestamp, d.decision_id, d.TraceId, d.SpanId' : 'episode_key, d.Timestamp, d.decision_id, d.TraceId, d.SpanId';

  const query = `
WITH
all_decisions AS MATERIALIZED (
  SELECT TraceId, SpanId, Timestamp, toString(ServiceName) AS service, if(SpanAttributes['trading.decision.id'] = '', SpanId, SpanAttributes['trading.decision.id']) AS decision_id
  FROM ${spans} ${HAS_OPERATION} WHERE ${DECIDE}
),
decisions AS (
  SELECT TraceId, SpanId, Timestamp, ServiceName, ResourceAttributes['trading.bot.id'] AS bot_id, SpanAttributes,
         if(SpanAttributes['trading.decision.id'] = '', SpanId, SpanAttributes['trading.decision.id']) AS decision_id
  FROM ${spans} ${HAS_OPERATION} WHERE ${[DECIDE, ...where].join(' AND ')}
),
-- Ownership, on id columns only. Fast path: a span whose parent is a decide span belongs to it. Every other span
-- with a parent (in a trace that has decisions) follows parent ids up until a decide span (or a missing parent,
-- or the depth bound); the walk reads only the traces that hold such spans.
decide_ids AS MATERIALIZED (SELECT DISTINCT TraceId, SpanId FROM all_decisions),
slow_starts AS MATERIALIZED (
  SELECT TraceId, SpanId, ParentSpanId FROM ${spans}
  PREWHERE ParentSpanId != '' AND TraceId IN (SELECT TraceId FROM decide_ids)
  WHERE (TraceId, SpanId) NOT IN (SELECT TraceId, SpanId FROM decide_ids) AND (TraceId, ParentSpanId) NOT IN (SELECT TraceId, SpanId FROM decide_ids)
),
slow_owners AS MATERIALIZED (
  WITH RECURSIVE
  nodes AS (
    SELECT TraceId, SpanId, ParentSpanId, (TraceId, SpanId) IN (SELECT TraceId, SpanId FROM decide_ids) AS is_decide
    FROM ${spans} PREWHERE TraceId IN (SELECT TraceId FROM slow_starts)
  ),
  walk AS (
    SELECT TraceId, SpanId AS span_id, ParentSpanId AS cur, 0 AS depth FROM slow_starts
    UNION ALL
    SELECT w.TraceId, w.span_id, n.ParentSpanId, w.depth + 1
    FROM walk AS w INNER JOIN nodes AS n ON n.TraceId = w.TraceId AND n.SpanId = w.cur
    WHERE NOT n.is_decide AND n.ParentSpanId != '' AND w.depth < ${MAX_ANCESTOR_DEPTH}
  )
  SELECT DISTINCT TraceId, span_id, cur AS owner_span_id FROM walk WHERE (TraceId, cur) IN (SELECT TraceId, SpanId FROM decide_ids)
),
-- LLM calls by owner: a direct child of a decide span by the fast path, a deeper one by the walk's result.
llm AS (
  SELECT TraceId, owner_span_id,
         groupArray(tuple(SpanId, toString(toUnixTimestamp64Nano(Timestamp)), ${LLM_KEYS.map((k) => `k_${k.replaceAll('.', '_')}`).join(', ')})) AS calls
  FROM (
    SELECT s.TraceId AS TraceId, s.SpanId AS SpanId, s.Timestamp AS Timestamp,
           if((s.TraceId, s.ParentSpanId) IN (SELECT TraceId, SpanId FROM decide_ids), s.ParentSpanId, so.owner_span_id) AS owner_span_id,
           ${LLM_KEYS.map((k) => `s.SpanAttributes['${k}'] AS k_${k.replaceAll('.', '_')}`).join(', ')}
    FROM (SELECT TraceId, SpanId, ParentSpanId, Timestamp, SpanAttributes FROM ${spans} ${HAS_GEN_AI} WHERE ${IS_LLM} AND NOT ${DECIDE} AND ParentSpanId != '') AS s
    LEFT JOIN slow_owners AS so ON so.TraceId = s.TraceId AND so.span_id = s.SpanId
  )
  WHERE owner_span_id != ''
  GROUP BY TraceId, owner_span_id
),
observations AS MATERIALIZED (
  SELECT * FROM (
  SELECT TraceId, SpanId, toString(ServiceName) AS service, Links.TraceId AS link_traces, Links.SpanId AS link_spans,
         ${rewardObservation(`if(ev_attrs['trading.decision.id'] != '', ev_attrs['trading.decision.id'], SpanAttributes['trading.decision.id'])`, 'ev_attrs', 'ev_ts')}
  FROM ${spans}
  ARRAY JOIN Events.Name AS ev_name, Events.Attributes AS ev_attrs, Events.Timestamp AS ev_ts
  WHERE has(CAST(Events.Name, 'Array(String)'), 'trading.reward') AND toString(ev_name) = 'trading.reward'
  UNION ALL
  -- A reward span that carries its signal as attributes only (one that also has the event is counted by the event).
  SELECT TraceId, SpanId, toString(ServiceName) AS service, Links.TraceId, Links.SpanId,
         ${rewardObservation(`SpanAttributes['trading.decision.id']`, 'SpanAttributes', 'Timestamp')}
  FROM ${spans} ${HAS_OPERATION}
  WHERE SpanAttributes['trading.operation.name'] = 'reward' AND SpanAttributes['trading.reward.value'] != '' AND NOT has(CAST(Events.Name, 'Array(String)'), 'trading.reward')
  ${logSource}
  ) WHERE isFinite(ifNull(value, nan))
),
-- Owners of the reward observations that name no decision and link none (the ones ownership attaches).
unlinked AS MATERIALIZED (SELECT DISTINCT TraceId, SpanId FROM observations WHERE did = '' AND empty(link_spans)),
owners AS (
  SELECT DISTINCT TraceId, span_id, owner_span_id FROM (
    SELECT TraceId, SpanId AS span_id, ParentSpanId AS owner_span_id FROM ${spans}
    PREWHERE (TraceId, SpanId) IN (SELECT TraceId, SpanId FROM unlinked)
    WHERE ParentSpanId != '' AND (TraceId, ParentSpanId) IN (SELECT TraceId, SpanId FROM decide_ids) AND (TraceId, SpanId) NOT IN (SELECT TraceId, SpanId FROM decide_ids)
    UNION ALL
    SELECT TraceId, span_id, owner_span_id FROM slow_owners WHERE (TraceId, span_id) IN (SELECT TraceId, SpanId FROM unlinked)
  )
  UNION ALL
  SELECT TraceId, SpanId, SpanId FROM all_decisions WHERE (TraceId, SpanId) IN (SELECT TraceId, SpanId FROM unlinked)
),
attached AS (
  SELECT did AS decision_id, 0 AS rank, name, value, kind, ts FROM observations WHERE did != ''
  UNION ALL
  SELECT d.decision_id, 1 AS rank, o.name, o.value, o.kind, o.ts
  FROM (SELECT * FROM observations WHERE did = '' AND notEmpty(link_spans)) AS o
  ARRAY JOIN o.link_traces AS link_trace, o.link_spans AS link_span
  INNER JOIN all_decisions AS d ON d.TraceId = link_trace AND d.SpanId = link_span
  UNION ALL
  SELECT d.decision_id, 2 AS rank, o.name, o.value, o.kind, o.ts
  FROM (SELECT * FROM observations WHERE did = '' AND empty(link_spans)) AS o
  INNER JOIN owners AS w ON w.TraceId = o.TraceId AND w.span_id = o.SpanId
  INNER JOIN all_decisions AS d ON d.TraceId = w.TraceId AND d.SpanId = w.owner_span_id
  ${timeMatch}
),
components AS (
  SELECT decision_id, rank, name, count() AS n,
         argMax(tuple(assumeNotNull(value), kind, toString(toUnixTimestamp64Nano(ts))), tuple(ts, assumeNotNull(value), kind)) AS latest
  FROM attached GROUP BY decision_id, rank, name
),
-- A decision keeps the components of its most explicit level only.
rewards AS (
  SELECT decision_id, min(rank) AS best_rank, 1 AS found,
         arrayFilter(c -> c.1 = best_rank, groupArray(tuple(rank, name, latest, n))) AS kept,
         arrayMap(c -> tuple(c.2, c.3.1, c.3.2, c.3.3), kept) AS components,
         arraySum(arrayMap(c -> c.4, kept)) AS reward_count
  FROM components GROUP BY decision_id
),
positions AS (
  SELECT SpanAttributes['trading.decision.id'] AS decision_id, 1 AS found,
         sum(toFloat64OrZero(SpanAttributes['trading.position.realized_pnl'])) AS realized_pnl,
         sum(toFloat64OrZero(SpanAttributes['trading.position.realized_return'])) AS realized_return,
         minIf(SpanAttributes['trading.position.id'], SpanAttributes['trading.position.id'] != '') AS position_id
  FROM ${spans} ${HAS_OPERATION}
  WHERE SpanAttributes['trading.operation.name'] = 'close_position' AND decision_id != ''
  GROUP BY decision_id
),
orders AS (
  SELECT SpanAttributes['trading.decision.id'] AS decision_id, count() AS orders,
         sum(toFloat64OrZero(SpanAttributes['trading.order.filled'])) AS filled_amount,
         minIf(SpanAttributes['trading.position.id'], SpanAttributes['trading.position.id'] != '') AS position_id
  FROM ${spans} ${HAS_OPERATION}
  WHERE SpanAttributes['trading.operation.name'] = 'submit_order' AND decision_id != ''
  GROUP BY decision_id
)${
    horizon === null
      ? ''
      : `,
prices AS (
  SELECT SpanAttributes['trading.symbol'] AS symbol, Timestamp AS ts, toFloat64OrNull(SpanAttributes['trading.context.price']) AS price
  FROM ${spans} ${HAS_OPERATION} WHERE ${DECIDE} AND price IS NOT NULL AND isFinite(assumeNotNull(price))
)`
  }
SELECT
  d.decision_id AS decision_id, d.TraceId AS trace_id, d.SpanId AS span_id,
  toString(toUnixTimestamp64Nano(d.Timestamp)) AS start_ns,
  d.ServiceName AS service_name, d.bot_id AS bot_id, d.SpanAttributes AS attributes,
  l.calls AS llm_calls,
  r.found AS has_reward, r.components AS reward_components, r.reward_count AS reward_count, r.best_rank AS reward_rank,
  p.found AS has_position, p.realized_pnl AS realized_pnl, p.realized_return AS realized_return,
  o.orders AS orders, o.filled_amount AS filled_amount,
  if(o.position_id = '' OR (p.position_id != '' AND p.position_id < o.position_id), p.position_id, o.position_id) AS position_id,
  ${horizon === null ? 'NULL' : 'px.price'} AS price_at_horizon,
  ${withRegistry ? 'sv.config' : "''"} AS strategy_config,
  if(d.SpanAttributes['trading.episode.id'] != '', d.SpanAttributes['trading.episode.id'],
     if(d.SpanAttributes['trading.position.id'] != '', d.SpanAttributes['trading.position.id'], position_id)) AS episode_key
FROM decisions AS d
LEFT JOIN llm AS l ON l.TraceId = d.TraceId AND l.owner_span_id = d.SpanId
LEFT JOIN rewards AS r ON r.decision_id = d.decision_id
LEFT JOIN positions AS p ON p.decision_id = d.decision_id
LEFT JOIN orders AS o ON o.decision_id = d.decision_id
${priceJoin}
${withRegistry ? `LEFT JOIN (SELECT strategy_name, version, argMax(config, created_at) AS config FROM ${storage.table('strategy_versions')} GROUP BY strategy_name, version) AS sv
  ON sv.strategy_name = d.SpanAttributes['trading.strategy.name'] AND sv.version = d.SpanAttributes['trading.strategy.version']` : ''}
ORDER BY ${order}`;
  return { query, params };
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
  /** (span id, start ns, ...values of LLM_KEYS). */
  llm_calls: string[][];
  has_reward: number;
  reward_components: [string, number, string, string][];
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
