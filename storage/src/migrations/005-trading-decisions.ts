import { attr, float, sqlString } from './attribute-sql.ts';
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
const contextAttributes = `mapFilter((k, v) -> startsWith(k, ${sqlString(KEY.contextPrefix)}), SpanAttributes)`;
const unprefixed = `substring(k, ${KEY.contextPrefix.length + 1})`;

/** One row per decision span (`trading.operation.name = decide`). */
export const tradingDecisions: TypedViewDefinition = {
  table: 'trading_decisions',
  columns: [
    ...identityColumns(),
    { name: 'ParentSpanId', type: 'String CODEC(ZSTD(1))', expr: 'ParentSpanId' },
    { name: 'Action', type: LC, expr: span(KEY.decisionAction) },
    { name: 'Kind', type: LC, expr: span(KEY.decisionKind) },
    { name: 'Confidence', type: 'Nullable(Float64)', expr: float(span(KEY.decisionConfidence)) },
    { name: 'Size', type: 'Nullable(Float64)', expr: float(span(KEY.decisionSize)) },
    { name: 'Reason', type: 'String CODEC(ZSTD(1))', expr: span(KEY.decisionReason) },
    { name: 'Price', type: 'Nullable(Float64)', expr: float(span(KEY.contextPrice)) },
    // Context keys without the `trading.context.` prefix: every value as sent, and the numeric ones typed.
    {
      name: 'Context',
      type: 'Map(LowCardinality(String), String) CODEC(ZSTD(1))',
      expr: `mapApply((k, v) -> (${unprefixed}, v), ${contextAttributes})`,
    },
    {
      name: 'ContextNumbers',
      type: 'Map(LowCardinality(String), Float64) CODEC(ZSTD(1))',
      expr: `mapApply((k, v) -> (${unprefixed}, toFloat64OrZero(v)), mapFilter((k, v) -> isNotNull(toFloat64OrNull(v)), ${contextAttributes}))`,
    },
    { name: 'FeatureFlagKey', type: LC, expr: span(KEY.featureFlagKey) },
    { name: 'FeatureFlagVariant', type: LC, expr: span(KEY.featureFlagVariant) },
    ...outcomeColumns(),
  ],
  orderBy: BY_STRATEGY_AND_TIME,
  partitionBy: MONTHLY,
  indexes: [DECISION_ID_INDEX, TRACE_ID_INDEX],
  sources: [
    {
      view: 'trading_decisions_from_spans_mv',
      from: 'otel_traces',
      attributes: SPAN_ATTRS,
      where: `${span(KEY.operationName)} = 'decide'`,
    },
  ],
};

export const tradingDecisionsMigration: Migration = {
  version: 5,
  name: 'trading_decisions',
  statements: (context) => typedViewStatements(tradingDecisions, context),
};
