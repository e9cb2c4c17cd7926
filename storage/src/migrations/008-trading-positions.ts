import { attr, float } from './attribute-sql.ts';
import type { Migration } from './migration.ts';
import { KEY } from './trading-attribute-keys.ts';
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

/** One row per position close (`trading.operation.name = close_position`); DecisionId is the opening decision. */
export const tradingPositions: TypedViewDefinition = {
  table: 'trading_positions',
  columns: [
    ...identityColumns(),
    { name: 'PositionId', type: 'String CODEC(ZSTD(1))', expr: span(KEY.positionId) },
    { name: 'Side', type: LC, expr: span(KEY.positionSide) },
    { name: 'EntryPrice', ...number(KEY.positionEntryPrice) },
    { name: 'ExitPrice', ...number(KEY.positionExitPrice) },
    { name: 'Amount', ...number(KEY.positionAmount) },
    { name: 'RealizedPnl', ...number(KEY.positionRealizedPnl) },
    { name: 'RealizedReturn', ...number(KEY.positionRealizedReturn) },
    { name: 'Fees', ...number(KEY.positionFees) },
    { name: 'DurationS', ...number(KEY.positionDurationS) },
    { name: 'ExitReason', type: LC, expr: span(KEY.positionExitReason) },
    { name: 'Leverage', ...number(KEY.positionLeverage) },
    ...outcomeColumns(),
  ],
  orderBy: BY_STRATEGY_AND_TIME,
  partitionBy: MONTHLY,
  indexes: [DECISION_ID_INDEX, TRACE_ID_INDEX],
  sources: [
    {
      view: 'trading_positions_from_spans_mv',
      from: 'otel_traces',
      attributes: SPAN_ATTRS,
      where: `${span(KEY.operationName)} = 'close_position'`,
    },
  ],
};

export const tradingPositionsMigration: Migration = {
  version: 8,
  name: 'trading_positions',
  statements: (context) => typedViewStatements(tradingPositions, context),
};
