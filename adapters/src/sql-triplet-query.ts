import type { Storage } from '@tradetrace/storage';

/**
 * The SQL path of triplet extraction, pushed down into ClickHouse: decisions from `otel_traces`, their LLM calls
 * (child spans with `gen_ai.*`), rewards joined by `trading.decision.id` from reward events in any trace, and the
 * outcome of the positions and orders that name the decision.
 */
export function tripletQuery(storage: Storage): string {
  const spans = storage.table('otel_traces');
  return `
WITH
decisions AS (
  SELECT TraceId, SpanId, Timestamp, ServiceName, ResourceAttributes, SpanAttributes,
         SpanAttributes['trading.decision.id'] AS decision_id
  FROM ${spans}
  WHERE SpanAttributes['trading.operation.name'] = 'decide' AND decision_id != ''
),
llm AS (
  SELECT TraceId, ParentSpanId,
         groupArray(tuple(
           SpanAttributes['gen_ai.request.model'], SpanAttributes['gen_ai.response.model'], SpanAttributes['gen_ai.provider.name'],
           SpanAttributes['gen_ai.input.messages'], SpanAttributes['gen_ai.output.messages'],
           SpanAttributes['gen_ai.usage.input_tokens'], SpanAttributes['gen_ai.usage.output_tokens'], Timestamp)) AS calls
  FROM ${spans}
  WHERE SpanAttributes['gen_ai.operation.name'] != '' AND (TraceId, ParentSpanId) IN (SELECT TraceId, SpanId FROM decisions)
  GROUP BY TraceId, ParentSpanId
),
reward_events AS (
  SELECT ev_attrs['trading.decision.id'] AS decision_id,
         if(ev_attrs['trading.reward.name'] = '', 'primary', ev_attrs['trading.reward.name']) AS name,
         toFloat64OrNull(ev_attrs['trading.reward.value']) AS value,
         ev_attrs['trading.reward.kind'] AS kind,
         ev_ts AS ts
  FROM ${spans}
  ARRAY JOIN Events.Name AS ev_name, Events.Attributes AS ev_attrs, Events.Timestamp AS ev_ts
  WHERE ev_name = 'trading.reward' AND value IS NOT NULL AND decision_id != ''
),
reward_components AS (
  -- A component reported twice (a retry, a correction) counts once: its latest value.
  SELECT decision_id, name, argMax(value, ts) AS value, argMax(kind, ts) AS kind, count() AS n
  FROM reward_events GROUP BY decision_id, name
),
rewards AS (
  SELECT decision_id,
         CAST(mapFromArrays(groupArray(name), groupArray(assumeNotNull(value))) AS Map(String, Float64)) AS components,
         sum(n) AS reward_count,
         anyIf(kind, name = 'primary') AS primary_kind, any(kind) AS any_kind
  FROM reward_components GROUP BY decision_id
),
positions AS (
  SELECT SpanAttributes['trading.decision.id'] AS decision_id,
         sum(toFloat64OrZero(SpanAttributes['trading.position.realized_pnl'])) AS realized_pnl,
         sum(toFloat64OrZero(SpanAttributes['trading.position.realized_return'])) AS realized_return
  FROM ${spans}
  WHERE SpanAttributes['trading.operation.name'] = 'close_position' AND decision_id IN (SELECT decision_id FROM decisions)
  GROUP BY decision_id
),
orders AS (
  SELECT SpanAttributes['trading.decision.id'] AS decision_id, count() AS orders,
         sum(toFloat64OrZero(SpanAttributes['trading.order.filled'])) AS filled_amount
  FROM ${spans}
  WHERE SpanAttributes['trading.operation.name'] = 'submit_order' AND decision_id IN (SELECT decision_id FROM decisions)
  GROUP BY decision_id
)
SELECT
  d.decision_id AS decision_id, d.TraceId AS trace_id, d.SpanId AS span_id,
  formatDateTime(d.Timestamp, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS timestamp,
  d.ServiceName AS service_name, d.ResourceAttributes['trading.bot.id'] AS bot_id,
  d.SpanAttributes AS attributes,
  l.calls AS llm_calls,
  r.components AS reward_components, r.reward_count AS reward_count,
  if(r.primary_kind != '', r.primary_kind, r.any_kind) AS reward_kind,
  p.decision_id != '' AS has_position, p.realized_pnl AS realized_pnl, p.realized_return AS realized_return,
  o.orders AS orders, o.filled_amount AS filled_amount
FROM decisions AS d
LEFT JOIN llm AS l ON l.TraceId = d.TraceId AND l.ParentSpanId = d.SpanId
LEFT JOIN rewards AS r ON r.decision_id = d.decision_id
LEFT JOIN positions AS p ON p.decision_id = d.decision_id
LEFT JOIN orders AS o ON o.decision_id = d.decision_id
ORDER BY d.Timestamp, d.decision_id
SETTINGS join_use_nulls = 0`;
}

/** A row of `tripletQuery`, as JSONEachRow returns it (64-bit integers quoted). */
export interface TripletQueryRow {
  decision_id: string;
  trace_id: string;
  span_id: string;
  timestamp: string;
  service_name: string;
  bot_id: string;
  attributes: Record<string, string>;
  llm_calls: [string, string, string, string, string, string, string, string][];
  reward_components: Record<string, number>;
  reward_count: string | number;
  reward_kind: string;
  has_position: number | boolean;
  realized_pnl: number;
  realized_return: number;
  orders: string | number;
  filled_amount: number;
}
