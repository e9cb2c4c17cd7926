import { attr, firstOf } from './attribute-sql.ts';
import { KEY } from './trading-attribute-keys.ts';
import type { TypedColumn } from './typed-view.ts';

/** Span attributes first, then the resource's: the SDK may put strategy, bot or mode on either. */
export const SPAN_MAPS = ['SpanAttributes', 'ResourceAttributes'] as const;

const LC = 'LowCardinality(String)';

/** Where a row came from and whose it is: the leading columns of every trading table. */
export function identityColumns(maps: readonly string[] = SPAN_MAPS): TypedColumn[] {
  return [
    { name: 'Timestamp', type: 'DateTime64(9) CODEC(Delta, ZSTD(1))', expr: 'Timestamp' },
    { name: 'DecisionId', type: 'String CODEC(ZSTD(1))', expr: firstOf(maps, KEY.decisionId) },
    { name: 'TraceId', type: 'String CODEC(ZSTD(1))', expr: 'TraceId' },
    { name: 'SpanId', type: 'String CODEC(ZSTD(1))', expr: 'SpanId' },
    { name: 'ServiceName', type: LC, expr: 'ServiceName' },
    { name: 'BotId', type: LC, expr: firstOf(maps, KEY.botId) },
    { name: 'StrategyName', type: LC, expr: firstOf(maps, KEY.strategyName) },
    { name: 'StrategyVersion', type: LC, expr: firstOf(maps, KEY.strategyVersion) },
    { name: 'Symbol', type: LC, expr: firstOf(maps, KEY.symbol) },
    { name: 'Exchange', type: LC, expr: firstOf(maps, KEY.exchange) },
    { name: 'MarketType', type: LC, expr: firstOf(maps, KEY.marketType) },
    { name: 'Mode', type: LC, expr: firstOf(maps, KEY.mode) },
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
