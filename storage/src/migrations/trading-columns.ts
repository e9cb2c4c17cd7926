import { attr, merged } from './attribute-sql.ts';
import { KEY } from './trading-attribute-keys.ts';
import type { TypedColumn } from './typed-view.ts';

/**
 * Name of the merged attribute map each view defines (`WITH ... AS Attrs`): identity keys are read from it, so a
 * bot may declare its strategy version once on the resource or on every span.
 */
export const ATTRS = 'Attrs';
/** `Attrs` of a view over spans: span attributes over resource attributes. */
export const SPAN_ATTRS = merged(['ResourceAttributes', 'SpanAttributes']);
/** `Attrs` of a view over span events: event attributes over span attributes over resource attributes. */
export const SPAN_EVENT_ATTRS = merged(['ResourceAttributes', 'SpanAttributes', 'EventAttributes']);
/** `Attrs` of a view over log records. */
export const LOG_ATTRS = merged(['ResourceAttributes', 'LogAttributes']);

const LC = 'LowCardinality(String)';

/** Where a row came from and whose it is: the leading columns of every trading table. */
export function identityColumns(): TypedColumn[] {
  const identity = (key: string) => attr(ATTRS, key);
  return [
    { name: 'Timestamp', type: 'DateTime64(9) CODEC(Delta, ZSTD(1))', expr: 'Timestamp' },
    { name: 'DecisionId', type: 'String CODEC(ZSTD(1))', expr: identity(KEY.decisionId) },
    { name: 'TraceId', type: 'String CODEC(ZSTD(1))', expr: 'TraceId' },
    { name: 'SpanId', type: 'String CODEC(ZSTD(1))', expr: 'SpanId' },
    { name: 'ServiceName', type: LC, expr: 'ServiceName' },
    { name: 'BotId', type: LC, expr: identity(KEY.botId) },
    { name: 'StrategyName', type: LC, expr: identity(KEY.strategyName) },
    { name: 'StrategyVersion', type: LC, expr: identity(KEY.strategyVersion) },
    { name: 'Symbol', type: LC, expr: identity(KEY.symbol) },
    { name: 'Exchange', type: LC, expr: identity(KEY.exchange) },
    { name: 'MarketType', type: LC, expr: identity(KEY.marketType) },
    { name: 'Mode', type: LC, expr: identity(KEY.mode) },
  ];
}

/** How the span ended: duration, status and OTel `error.type`. */
export function outcomeColumns(): TypedColumn[] {
  return [
    { name: 'DurationNs', type: 'UInt64', expr: 'Duration' },
    { name: 'StatusCode', type: LC, expr: 'StatusCode' },
    { name: 'StatusMessage', type: 'String', expr: 'StatusMessage' },
    { name: 'ErrorType', type: LC, expr: attr('SpanAttributes', KEY.errorType) },
  ];
}

/** Every trading table is read by strategy version and time, and joined by decision id. */
export const BY_STRATEGY_AND_TIME = '(StrategyName, StrategyVersion, toDateTime(Timestamp))';
export const MONTHLY = 'toYYYYMM(Timestamp)';
export const DECISION_ID_INDEX = 'idx_decision_id DecisionId TYPE bloom_filter(0.001) GRANULARITY 1';
export const TRACE_ID_INDEX = 'idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1';
