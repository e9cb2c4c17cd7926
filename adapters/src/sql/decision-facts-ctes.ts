import { MAX_ANCESTOR_DEPTH } from '../decision-facts.ts';

/**
 * The CTEs of the SQL engine (decision-facts-query.ts puts them together), one builder per CTE: each returns the
 * CTE's text (`name AS (...)`) for the tables and options of one query.
 */

export const DECIDE = `SpanAttributes['trading.operation.name'] = 'decide'`;
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
/** A span's bot: its own `trading.bot.id` when it carries one, else its resource's (docs/collector.md, "Who a row belongs to"). */
export const SPAN_BOT_ID = `if(mapContains(SpanAttributes, 'trading.bot.id'), SpanAttributes['trading.bot.id'], ResourceAttributes['trading.bot.id'])`;

/** The attributes of an LLM span the facts carry, in the order of an LLM call's values (LLM_CALL). */
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

/** The CTEs that make the narrow facts, then those that merge them with the payloads, each in dependency order. */
export const FACT_STEPS = [
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
export const PAYLOAD_STEPS = ['llm_spans', 'llm', 'decision_spans', 'merged', 'decisions'] as const;
export type CteName = (typeof FACT_STEPS)[number] | (typeof PAYLOAD_STEPS)[number];

/** What the CTEs read, and the options that change their text. */
export interface CteSources {
  /** The spans table (`otel_traces`), qualified. */
  spans: string;
  /** The reward log records table (`otel_logs`), qualified, when it exists. */
  logs: string | null;
  /** The strategy registry table (`strategy_versions`), qualified, when it exists. */
  registry: string | null;
  /** Whether a reward that nothing else attaches goes to the latest earlier decision of its service. */
  matchByTime: boolean;
  /** Whether the facts carry the price at the horizon (bound as the `horizon_ns` parameter). */
  withHorizon: boolean;
  /** The filter's conditions on decide spans (decisionFilterSql). */
  where: string[];
  /** Whether the payloads meet in a staged chunk (hash joins) rather than in one aggregation. */
  staged: boolean;
}

/** The decide spans, once each, with the columns the joins need. */
export function allDecisionsCte({ spans }: CteSources): string {
  return `all_decisions AS MATERIALIZED (
  SELECT ${SPAN_KEY} AS k, TraceId, SpanId, Timestamp, toString(ServiceName) AS service, if(SpanAttributes['trading.decision.id'] = '', SpanId, SpanAttributes['trading.decision.id']) AS decision_id,
         SpanAttributes['trading.symbol'] AS symbol, SpanAttributes['trading.strategy.name'] AS strategy_name, SpanAttributes['trading.strategy.version'] AS strategy_version
  FROM ${spans} ${HAS_OPERATION} WHERE ${DECIDE}
  LIMIT 1 BY k
)`;
}

/** The spans whose owner the fast path (parent is a decide span) does not find: where the ownership walk starts. */
export function slowStartsCte({ spans }: CteSources): string {
  return `-- Ownership, on span keys only. Fast path: a span whose parent is a decide span belongs to it. Every other span
-- with a parent (in a trace that has decisions) follows parent ids up until a decide span (or a missing parent,
-- or the depth bound); the walk reads only the traces that hold such spans (found by a hash of their id: a set a
-- third the size, and a colliding trace only walks to no decision). The fast path's spans are dropped before their
-- span ids are read (1M bench decisions: 3.5 -> 2.0 s of CPU).
slow_starts AS MATERIALIZED (
  SELECT TraceId, SpanId, ParentSpanId FROM ${spans}
  PREWHERE ParentSpanId != '' AND cityHash64(TraceId) IN (SELECT cityHash64(TraceId) FROM all_decisions)
    AND ${PARENT_KEY} NOT IN (SELECT k FROM all_decisions)
  WHERE ${SPAN_KEY} NOT IN (SELECT k FROM all_decisions)
  LIMIT 1 BY TraceId, SpanId
)`;
}

/** The ownership walk: (span key, owner key) of every slow start that reaches a decide span. */
export function slowOwnersCte({ spans }: CteSources): string {
  return `slow_owners AS MATERIALIZED (
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
)`;
}

/** The LLM spans with their keys and the values of LLM_KEYS. */
export function llmSpansCte({ spans }: CteSources): string {
  return `-- LLM calls by owner: a direct child of a decide span by the fast path (its parent, no join: an owner that is no
-- decision meets none in the merge below), a deeper one by the walk's result.
llm_spans AS (
  SELECT SpanId, Timestamp, ${SPAN_KEY} AS span_k, ${PARENT_KEY} AS parent_k,
         ${LLM_KEYS.map((k) => `SpanAttributes['${k}'] AS ${llmColumn(k)}`).join(', ')}
  FROM ${spans} ${HAS_GEN_AI} WHERE ${IS_LLM} AND NOT ${DECIDE} AND ParentSpanId != ''
)`;
}

/** The LLM calls by owner key: the parent's key, and the walk's owner for a deeper call. */
export function llmCte(): string {
  return `llm AS (
  SELECT parent_k AS owner_k, * EXCEPT (span_k, parent_k) FROM llm_spans
  UNION ALL
  SELECT so.owner_k AS owner_k, s.* EXCEPT (span_k, parent_k)
  FROM (SELECT * FROM llm_spans WHERE span_k IN (SELECT span_k FROM slow_owners)) AS s INNER JOIN slow_owners AS so ON so.span_k = s.span_k
)`;
}

/** A reward observation's columns, read from attributes `attrs`: (did, name, value, kind, unit, is_primary, ts). */
function rewardObservation(decisionId: string, attrs: string, ts: string): string {
  return `${decisionId} AS did, if(${attrs}['trading.reward.name'] = '', 'primary', ${attrs}['trading.reward.name']) AS name,
     toFloat64OrNull(${attrs}['trading.reward.value']) AS value, ${attrs}['trading.reward.kind'] AS kind,
     ${attrs}['trading.reward.unit'] AS unit, ${attrs}['trading.reward.primary'] = 'true' AS is_primary, ${ts} AS ts`;
}

/** The reward log records as observations, appended to the span ones when the logs table exists. */
function logObservations(logs: string | null): string {
  return logs === null
    ? ''
    : `UNION ALL
  SELECT TraceId, SpanId, toString(ServiceName) AS service, [] AS link_traces, [] AS link_spans,
         ${rewardObservation(`LogAttributes['trading.decision.id']`, 'LogAttributes', 'Timestamp')}
  FROM ${logs}
  WHERE LogAttributes['trading.reward.value'] != ''`;
}

/** Every reward signal (span event, reward span, log record) with a finite value, with what could attach it. */
export function observationsCte({ spans, logs }: CteSources): string {
  return `observations AS MATERIALIZED (
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
  -- A reward span that carries its signal as attributes only (one that also has the event is counted by the event);
  -- only spans with a reward value have their attributes read (not the decide spans').
  SELECT TraceId, SpanId, toString(ServiceName) AS service, Links.TraceId, Links.SpanId,
         ${rewardObservation(`SpanAttributes['trading.decision.id']`, 'SpanAttributes', 'Timestamp')}
  FROM ${spans} PREWHERE mapContains(SpanAttributes, 'trading.reward.value')
  WHERE SpanAttributes['trading.operation.name'] = 'reward' AND SpanAttributes['trading.reward.value'] != '' AND NOT has(CAST(Events.Name, 'Array(String)'), 'trading.reward')
  LIMIT 1 BY TraceId, SpanId
  ${logObservations(logs)}
  ) WHERE isFinite(ifNull(value, nan))
)`;
}

/** The keys of the spans that carry observations only ownership can attach. */
export function unlinkedCte(): string {
  return `-- Owners of the reward observations that name no decision and link none (the ones ownership attaches).
unlinked AS MATERIALIZED (SELECT DISTINCT ${SPAN_KEY} AS k FROM observations WHERE did = '' AND empty(link_spans))`;
}

/** (span key, owner key) of the unlinked observations' spans: by parent, by the walk, or the decide span itself. */
export function ownersCte({ spans }: CteSources): string {
  return `owners AS (
  SELECT DISTINCT span_k, owner_k FROM (
    SELECT ${SPAN_KEY} AS span_k, ${PARENT_KEY} AS owner_k FROM ${spans}
    PREWHERE ${SPAN_KEY} IN (SELECT k FROM unlinked)
    WHERE ParentSpanId != '' AND owner_k IN (SELECT k FROM all_decisions) AND span_k NOT IN (SELECT k FROM all_decisions)
    UNION ALL
    SELECT span_k, owner_k FROM slow_owners WHERE span_k IN (SELECT k FROM unlinked)
  )
  UNION ALL
  SELECT k, k FROM all_decisions WHERE k IN (SELECT k FROM unlinked)
)`;
}

/** The opt-in last level of attachment (rank 3): an observation nothing else attaches, to its service's latest earlier decision. */
function timeMatchedObservations(matchByTime: boolean): string {
  return matchByTime
    ? `UNION ALL
  SELECT d.decision_id, 3 AS rank, o.name, o.value, o.kind, o.unit, o.is_primary, o.ts
  FROM (SELECT * FROM observations WHERE did = '' AND empty(link_spans) AND ${SPAN_KEY} NOT IN (SELECT span_k FROM owners)) AS o
  ASOF INNER JOIN all_decisions AS d ON d.service = o.service AND d.Timestamp <= o.ts`
    : '';
}

/** Each observation with its decision and level (rank): 0 named decision id, 1 span link, 2 ownership, 3 time. */
export function attachedCte({ matchByTime }: CteSources): string {
  return `attached AS (
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
  ${timeMatchedObservations(matchByTime)}
)`;
}

/** A decision's kept reward components. */
export function rewardsCte(): string {
  return `-- A decision keeps the signals of its most explicit level only and, of each component name, the latest (by time,
-- then value, kind, unit, primary mark): sorted by name then that order, the last of each name. One aggregation, arrays per decision.
rewards AS (
  SELECT decision_id, min(rank) AS best_rank, 1 AS found,
         arraySort(s -> (s.1, s.4, s.2, s.3, s.6, s.7), arrayFilter(s -> s.5 = best_rank, groupArray(tuple(name, assumeNotNull(value), kind, ts, rank, unit, is_primary)))) AS kept,
         arrayMap(s -> tuple(s.1, s.2, s.3, toString(toUnixTimestamp64Nano(s.4)), s.6, s.7),
                  arrayFilter((s, i) -> i = length(kept) OR kept[i + 1].1 != s.1, kept, arrayEnumerate(kept))) AS components,
         length(kept) AS reward_count
  FROM attached GROUP BY decision_id
)`;
}

/** The positions a decision closed: realized PnL and return, summed, and the least position id. */
export function positionsCte({ spans }: CteSources): string {
  return `positions AS (
  SELECT SpanAttributes['trading.decision.id'] AS decision_id, 1 AS found,
         sum(toFloat64OrZero(SpanAttributes['trading.position.realized_pnl'])) AS realized_pnl,
         sum(toFloat64OrZero(SpanAttributes['trading.position.realized_return'])) AS realized_return,
         minIf(SpanAttributes['trading.position.id'], SpanAttributes['trading.position.id'] != '') AS position_id
  FROM (SELECT SpanAttributes FROM ${spans} ${HAS_OPERATION} WHERE SpanAttributes['trading.operation.name'] = 'close_position' AND SpanAttributes['trading.decision.id'] != '' LIMIT 1 BY TraceId, SpanId)
  GROUP BY decision_id
)`;
}

/** The orders a decision submitted: their count, filled amount, and the least position id. */
export function ordersCte({ spans }: CteSources): string {
  return `orders AS (
  SELECT SpanAttributes['trading.decision.id'] AS decision_id, count() AS orders,
         sum(toFloat64OrZero(SpanAttributes['trading.order.filled'])) AS filled_amount,
         minIf(SpanAttributes['trading.position.id'], SpanAttributes['trading.position.id'] != '') AS position_id
  FROM (SELECT SpanAttributes FROM ${spans} ${HAS_OPERATION} WHERE SpanAttributes['trading.operation.name'] = 'submit_order' AND SpanAttributes['trading.decision.id'] != '' LIMIT 1 BY TraceId, SpanId)
  GROUP BY decision_id
)`;
}

/** The context prices of decide spans, by symbol and time; not part of a query without a horizon. */
export function pricesCte({ spans, withHorizon }: CteSources): string {
  return withHorizon
    ? `prices AS (
  SELECT SpanAttributes['trading.symbol'] AS symbol, Timestamp AS ts, toFloat64OrNull(SpanAttributes['trading.context.price']) AS price
  FROM ${spans} ${HAS_OPERATION} WHERE ${DECIDE} AND price IS NOT NULL AND isFinite(assumeNotNull(price))
)`
    : '';
}

/** A decision's facts as one tuple by its key: rewards, positions, orders, price at the horizon, strategy config. */
export function decisionFactsCte({ registry, withHorizon }: CteSources): string {
  const priceJoin = withHorizon
    ? `ASOF LEFT JOIN prices AS px ON px.symbol = d.symbol AND px.ts >= d.Timestamp + toIntervalNanosecond({horizon_ns:Int64})`
    : '';
  return `-- Ids and numbers per decision: the joins carry no payload.
decision_facts AS (
  SELECT d.k AS k, d.Timestamp AS Timestamp,
         tuple(r.found, r.components, r.reward_count, r.best_rank, p.found, p.realized_pnl, p.realized_return, o.orders, o.filled_amount,
               if(o.position_id = '' OR (p.position_id != '' AND p.position_id < o.position_id), p.position_id, o.position_id),
               ${withHorizon ? 'px.price' : "CAST(NULL, 'Nullable(Float64)')"}, ${registry !== null ? 'sv.config' : "''"}) AS facts
  FROM all_decisions AS d
  LEFT JOIN rewards AS r ON r.decision_id = d.decision_id
  LEFT JOIN positions AS p ON p.decision_id = d.decision_id
  LEFT JOIN orders AS o ON o.decision_id = d.decision_id
  ${priceJoin}
  ${
    registry !== null
      ? `LEFT JOIN (SELECT strategy_name, version, argMax(config, created_at) AS config FROM ${registry} GROUP BY strategy_name, version) AS sv
    ON sv.strategy_name = d.strategy_name AND sv.version = d.strategy_version`
      : ''
  }
)`;
}

/** The decide spans in the filter, once each, with their payload columns (DECISION_COLUMNS). */
export function decisionSpansCte({ spans, where }: CteSources): string {
  return `decision_spans AS (
  SELECT ${SPAN_KEY} AS k, TraceId, SpanId, Timestamp, ServiceName, ${SPAN_BOT_ID} AS bot_id, SpanAttributes,
         if(SpanAttributes['trading.decision.id'] = '', SpanId, SpanAttributes['trading.decision.id']) AS decision_id,
         toString(StatusCode) AS StatusCode, StatusMessage
  FROM ${spans} ${HAS_OPERATION} WHERE ${[DECIDE, ...where].join(' AND ')}
  LIMIT 1 BY k
)`;
}

/** A decision span's payload, its LLM calls and its facts gathered by span key, in one aggregation. */
export function mergedCte(): string {
  return `-- The wide payloads (the decision's attributes, its LLM calls) meet its facts in one aggregation by span key, which
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
)`;
}

/** A decision's row: payload columns, its LLM calls (once each) and its facts (`f`). */
export function decisionsCte({ staged }: CteSources): string {
  return staged
    ? `-- A staged chunk's payloads are bounded by the chunk, so they meet in hash joins, which cost
-- less than the aggregation. The staged facts name the decisions: a decide span stored after the steps ran (a
-- collector inserts between a served read's statements) has no facts yet and waits for the next read.
decisions AS (
  SELECT ${DECISION_COLUMNS.map((c) => `d.${c} AS ${c}`).join(', ')}, ${oneCopyOfEachCall('c.calls')} AS calls, fa.facts AS f
  FROM decision_spans AS d
  ANY INNER JOIN decision_facts AS fa ON fa.k = d.k
  LEFT JOIN (SELECT owner_k, groupArray(${LLM_CALL}) AS calls FROM llm GROUP BY owner_k) AS c ON c.owner_k = d.k
)`
    : `decisions AS (
  SELECT ${DECISION_COLUMNS.map((c, i) => `d.${i + 1} AS ${c}`).join(', ')}, ${oneCopyOfEachCall('calls')} AS calls, fs[1] AS f
  FROM merged ARRAY JOIN ds AS d
)`;
}

/** The builder of each CTE. */
export const CTE_BUILDERS: Record<CteName, (sources: CteSources) => string> = {
  all_decisions: allDecisionsCte,
  slow_starts: slowStartsCte,
  slow_owners: slowOwnersCte,
  llm_spans: llmSpansCte,
  llm: llmCte,
  observations: observationsCte,
  unlinked: unlinkedCte,
  owners: ownersCte,
  attached: attachedCte,
  rewards: rewardsCte,
  positions: positionsCte,
  orders: ordersCte,
  prices: pricesCte,
  decision_facts: decisionFactsCte,
  decision_spans: decisionSpansCte,
  merged: mergedCte,
  decisions: decisionsCte,
};

/** The rows the query returns, one per decision (DecisionFactsRow), from `decisions`. */
export const DECISION_FACTS_SELECT = `SELECT
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
