import { attr, bool, float, sqlString } from './attribute-sql.ts';
import type { Migration } from './migration.ts';
import { KEY, ORDER_OPERATIONS } from './trading-attribute-keys.ts';
import {
  BY_STRATEGY_AND_TIME,
  DECISION_ID_INDEX,
  MONTHLY,
  SPAN_ATTRS,
  TRACE_ID_INDEX,
  identityColumns,
  outcomeColumns,
} from './trading-columns.ts';
import { typedViewStatements, type TypedViewDefinition } from './typed-view.ts';

const LC = 'LowCardinality(String)';
const span = (key: string) => attr('SpanAttributes', key);
const number = (key: string) => ({ type: 'Nullable(Float64)', expr: float(span(key)) });

/** One row per order span: submitted, canceled, or a later status update (CCXT Order fields). */
export const tradingOrders: TypedViewDefinition = {
  table: 'trading_orders',
  columns: [
    ...identityColumns(),
    { name: 'Operation', type: LC, expr: span(KEY.operationName) },
    { name: 'OrderId', type: 'String CODEC(ZSTD(1))', expr: span(KEY.orderId) },
    { name: 'ClientOrderId', type: 'String CODEC(ZSTD(1))', expr: span(KEY.orderClientOrderId) },
    { name: 'Side', type: LC, expr: span(KEY.orderSide) },
    { name: 'Type', type: LC, expr: span(KEY.orderType) },
    { name: 'TimeInForce', type: LC, expr: span(KEY.orderTimeInForce) },
    { name: 'Price', ...number(KEY.orderPrice) },
    { name: 'TriggerPrice', ...number(KEY.orderTriggerPrice) },
    { name: 'Amount', ...number(KEY.orderAmount) },
    { name: 'Status', type: LC, expr: span(KEY.orderStatus) },
    { name: 'Filled', ...number(KEY.orderFilled) },
    { name: 'Remaining', ...number(KEY.orderRemaining) },
    { name: 'Average', ...number(KEY.orderAverage) },
    { name: 'Cost', ...number(KEY.orderCost) },
    { name: 'FeeCost', ...number(KEY.orderFeeCost) },
    { name: 'FeeCurrency', type: LC, expr: span(KEY.orderFeeCurrency) },
    { name: 'ReduceOnly', type: 'Nullable(Bool)', expr: bool(span(KEY.orderReduceOnly)) },
    { name: 'PostOnly', type: 'Nullable(Bool)', expr: bool(span(KEY.orderPostOnly)) },
    ...outcomeColumns(),
  ],
  orderBy: BY_STRATEGY_AND_TIME,
  partitionBy: MONTHLY,
  indexes: [DECISION_ID_INDEX, TRACE_ID_INDEX, 'idx_order_id OrderId TYPE bloom_filter(0.001) GRANULARITY 1'],
  sources: [
    {
      view: 'trading_orders_from_spans_mv',
      from: 'otel_traces',
      attributes: SPAN_ATTRS,
      where: `${span(KEY.operationName)} IN (${ORDER_OPERATIONS.map(sqlString).join(', ')})`,
    },
  ],
};

export const tradingOrdersMigration: Migration = {
  version: 6,
  name: 'trading_orders',
  statements: (context) => typedViewStatements(tradingOrders, context),
};
