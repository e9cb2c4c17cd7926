import { attr, float, orDefault, sqlString } from './attribute-sql.ts';
import type { Migration } from './migration.ts';
import { DEFAULT_REWARD_NAME, EVENT_REWARD, KEY } from './trading-attribute-keys.ts';
import {
  BY_STRATEGY_AND_TIME,
  DECISION_ID_INDEX,
  LOG_ATTRS,
  MONTHLY,
  SPAN_ATTRS,
  SPAN_EVENT_ATTRS,
  TRACE_ID_INDEX,
  identityColumns,
} from './trading-columns.ts';
import { typedViewStatements, type TypedColumn, type TypedViewDefinition } from './typed-view.ts';

const LC = 'LowCardinality(String)';

/** Where a reward was found; the adapters report it as part of `reward.match`. */
export const REWARD_SOURCES = ['span_event', 'span', 'log'] as const;

interface RewardOrigin {
  readonly source: (typeof REWARD_SOURCES)[number];
  /** The map the reward itself is recorded in: the event's, the reward span's or the log record's attributes. */
  readonly own: string;
  /** The merged map identity keys are read from. */
  readonly attributes: string;
  readonly timestamp: string;
  readonly linkedTraceId: string;
  readonly linkedSpanId: string;
}

function own(origin: RewardOrigin, key: string): string {
  return attr(origin.own, key);
}

function rewardColumns(origin: RewardOrigin): TypedColumn[] {
  const value = (key: string) => own(origin, key);
  return [
    ...identityColumns().map((c) => (c.name === 'Timestamp' ? { ...c, expr: origin.timestamp } : c)),
    { name: 'Source', type: LC, expr: sqlString(origin.source) },
    { name: 'Name', type: LC, expr: orDefault(value(KEY.rewardName), DEFAULT_REWARD_NAME) },
    { name: 'Value', type: 'Float64', expr: `assumeNotNull(${float(value(KEY.rewardValue))})` },
    { name: 'Kind', type: LC, expr: value(KEY.rewardKind) },
    { name: 'Unit', type: LC, expr: value(KEY.rewardUnit) },
    { name: 'HorizonS', type: 'Nullable(Float64)', expr: float(value(KEY.rewardHorizonS)) },
    // A late reward span links to the decision span it rewards.
    { name: 'LinkedTraceId', type: 'String CODEC(ZSTD(1))', expr: origin.linkedTraceId },
    { name: 'LinkedSpanId', type: 'String CODEC(ZSTD(1))', expr: origin.linkedSpanId },
  ];
}

const SPAN_EVENT: RewardOrigin = {
  source: 'span_event',
  own: 'EventAttributes',
  attributes: SPAN_EVENT_ATTRS,
  timestamp: 'EventTimestamp',
  linkedTraceId: "''",
  linkedSpanId: "''",
};
const SPAN: RewardOrigin = {
  source: 'span',
  own: 'SpanAttributes',
  attributes: SPAN_ATTRS,
  timestamp: 'Timestamp',
  linkedTraceId: 'Links.TraceId[1]',
  linkedSpanId: 'Links.SpanId[1]',
};
const LOG: RewardOrigin = {
  source: 'log',
  own: 'LogAttributes',
  attributes: LOG_ATTRS,
  timestamp: 'Timestamp',
  linkedTraceId: "''",
  linkedSpanId: "''",
};

function exprsOf(origin: RewardOrigin): Record<string, string> {
  return Object.fromEntries(rewardColumns(origin).map((c) => [c.name, c.expr]));
}

/** A reward without a numeric value cannot be used; it stays in the telemetry table only. */
function hasValue(origin: RewardOrigin): string {
  return `isNotNull(${float(own(origin, KEY.rewardValue))})`;
}

/**
 * One row per reward, wherever the bot reported it: a `trading.reward` event on a span (usually the decision's),
 * a `reward {symbol}` span (a reward that came after the decision ended), or a `trading.reward` log record.
 */
export const tradingRewards: TypedViewDefinition = {
  table: 'trading_rewards',
  columns: rewardColumns(SPAN_EVENT),
  orderBy: BY_STRATEGY_AND_TIME,
  partitionBy: MONTHLY,
  indexes: [DECISION_ID_INDEX, TRACE_ID_INDEX],
  sources: [
    {
      view: 'trading_rewards_from_span_events_mv',
      from: 'otel_traces',
      attributes: SPAN_EVENT.attributes,
      join: 'ARRAY JOIN Events.Timestamp AS EventTimestamp, Events.Name AS EventName, Events.Attributes AS EventAttributes',
      // A reward span carries its reward twice (attributes and event): its row comes from the span source only.
      where: `EventName = ${sqlString(EVENT_REWARD)} AND ${hasValue(SPAN_EVENT)} AND ${attr('SpanAttributes', KEY.operationName)} != 'reward'`,
    },
    {
      view: 'trading_rewards_from_spans_mv',
      from: 'otel_traces',
      attributes: SPAN.attributes,
      where: `${attr('SpanAttributes', KEY.operationName)} = 'reward' AND ${hasValue(SPAN)}`,
      exprs: exprsOf(SPAN),
    },
    {
      view: 'trading_rewards_from_logs_mv',
      from: 'otel_logs',
      attributes: LOG.attributes,
      // Older SDKs name the event in an `event.name` attribute instead of the record's EventName field.
      where: `(EventName = ${sqlString(EVENT_REWARD)} OR ${attr('LogAttributes', 'event.name')} = ${sqlString(EVENT_REWARD)}) AND ${hasValue(LOG)}`,
      exprs: exprsOf(LOG),
    },
  ],
};

export const tradingRewardsMigration: Migration = {
  version: 9,
  name: 'trading_rewards',
  statements: (context) => typedViewStatements(tradingRewards, context),
};
