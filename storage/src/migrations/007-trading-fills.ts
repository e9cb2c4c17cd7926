import { attr, float, sqlString } from './attribute-sql.ts';
import type { Migration } from './migration.ts';
import { EVENT_ORDER_FILL, KEY } from './trading-attribute-keys.ts';
import {
  ATTRS,
  BY_STRATEGY_AND_TIME,
  DECISION_ID_INDEX,
  MONTHLY,
  SPAN_EVENT_ATTRS,
  TRACE_ID_INDEX,
  identityColumns,
} from './trading-columns.ts';
import { typedViewStatements, type TypedViewDefinition } from './typed-view.ts';

const LC = 'LowCardinality(String)';
const event = (key: string) => attr('EventAttributes', key);
const span = (key: string) => attr('SpanAttributes', key);

/** One row per `trading.order.fill` event (CCXT Trade) on an order span. */
export const tradingFills: TypedViewDefinition = {
  table: 'trading_fills',
  columns: [
    ...identityColumns().map((c) => (c.name === 'Timestamp' ? { ...c, expr: 'EventTimestamp' } : c)),
    { name: 'OrderId', type: 'String CODEC(ZSTD(1))', expr: attr(ATTRS, KEY.orderId) },
    { name: 'ClientOrderId', type: 'String CODEC(ZSTD(1))', expr: span(KEY.orderClientOrderId) },
    { name: 'TradeId', type: 'String CODEC(ZSTD(1))', expr: event(KEY.tradeId) },
    { name: 'Side', type: LC, expr: attr(ATTRS, KEY.orderSide) },
    { name: 'Price', type: 'Nullable(Float64)', expr: float(event(KEY.fillPrice)) },
    { name: 'Amount', type: 'Nullable(Float64)', expr: float(event(KEY.fillAmount)) },
    { name: 'Cost', type: 'Nullable(Float64)', expr: float(event(KEY.fillCost)) },
    { name: 'FeeCost', type: 'Nullable(Float64)', expr: float(event(KEY.fillFeeCost)) },
    { name: 'FeeCurrency', type: LC, expr: event(KEY.fillFeeCurrency) },
    { name: 'Liquidity', type: LC, expr: event(KEY.fillLiquidity) },
  ],
  orderBy: BY_STRATEGY_AND_TIME,
  partitionBy: MONTHLY,
  indexes: [DECISION_ID_INDEX, TRACE_ID_INDEX, 'idx_order_id OrderId TYPE bloom_filter(0.001) GRANULARITY 1'],
  sources: [
    {
      view: 'trading_fills_from_span_events_mv',
      from: 'otel_traces',
      // Fill attributes on the event, order attributes on the span that carries it.
      attributes: SPAN_EVENT_ATTRS,
      join: 'ARRAY JOIN Events.Timestamp AS EventTimestamp, Events.Name AS EventName, Events.Attributes AS EventAttributes',
      where: `EventName = ${sqlString(EVENT_ORDER_FILL)}`,
    },
  ],
};

export const tradingFillsMigration: Migration = {
  version: 7,
  name: 'trading_fills',
  statements: (context) => typedViewStatements(tradingFills, context),
};
