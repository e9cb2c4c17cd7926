import { attr, count } from './attribute-sql.ts';
import type { Migration } from './migration.ts';
import { KEY } from './trading-attribute-keys.ts';
import { BY_STRATEGY_AND_TIME, DECISION_ID_INDEX, MONTHLY, SPAN_ATTRS, TRACE_ID_INDEX, identityColumns, outcomeColumns } from './trading-columns.ts';
import { typedViewStatements, type TypedViewDefinition } from './typed-view.ts';

const LC = 'LowCardinality(String)';
const span = (key: string) => attr('SpanAttributes', key);

/**
 * USD cost of the call, from the columns of the same row. `gen_ai.usage.input_tokens` includes cache reads
 * (GenAI conventions), so those are priced at the cached rate and the rest at the input rate. NULL when the
 * model has no price or the call reported no usage.
 */
const costUsd = `if(PriceIndex = 0 OR (isNull(InputTokens) AND isNull(OutputTokens)), NULL,
      (greatest(ifNull(InputTokens, 0) - ifNull(CachedInputTokens, 0), 0) * prices.2[PriceIndex]
       + ifNull(CachedInputTokens, 0) * prices.4[PriceIndex]
       + ifNull(OutputTokens, 0) * prices.3[PriceIndex]) / 1e6)`;

/** One row per LLM call span (any span with `gen_ai.operation.name`), with tokens, latency, errors and cost. */
export const llmCalls: TypedViewDefinition = {
  table: 'llm_calls',
  columns: [
    ...identityColumns(),
    { name: 'ParentSpanId', type: 'String CODEC(ZSTD(1))', expr: 'ParentSpanId' },
    { name: 'Operation', type: LC, expr: span(KEY.genAiOperationName) },
    // `gen_ai.system` is the name before GenAI conventions v1.37; older instrumentations still send it.
    { name: 'Provider', type: LC, expr: `if(${span(KEY.genAiProviderName)} != '', ${span(KEY.genAiProviderName)}, ${span('gen_ai.system')})` },
    { name: 'RequestModel', type: LC, expr: span(KEY.genAiRequestModel) },
    { name: 'ResponseModel', type: LC, expr: span(KEY.genAiResponseModel) },
    { name: 'ResponseId', type: 'String CODEC(ZSTD(1))', expr: span(KEY.genAiResponseId) },
    { name: 'FinishReasons', type: 'Array(LowCardinality(String))', expr: `JSONExtract(${span(KEY.genAiResponseFinishReasons)}, 'Array(String)')` },
    { name: 'InputTokens', type: 'Nullable(UInt64)', expr: count(span(KEY.genAiUsageInputTokens)) },
    { name: 'OutputTokens', type: 'Nullable(UInt64)', expr: count(span(KEY.genAiUsageOutputTokens)) },
    { name: 'CachedInputTokens', type: 'Nullable(UInt64)', expr: count(span(KEY.genAiUsageCacheReadInputTokens)) },
    { name: 'CacheCreationInputTokens', type: 'Nullable(UInt64)', expr: count(span(KEY.genAiUsageCacheCreationInputTokens)) },
    { name: 'LatencyMs', type: 'Float64', expr: 'Duration / 1e6' },
    { name: 'IsError', type: 'Bool', expr: `StatusCode = 'Error' OR ${span(KEY.errorType)} != ''` },
    { name: 'PriceModel', type: LC, expr: 'prices.1[PriceIndex]' },
    { name: 'CostUsd', type: 'Nullable(Float64)', expr: costUsd },
    { name: 'ServerAddress', type: LC, expr: span(KEY.serverAddress) },
    ...outcomeColumns(),
  ],
  orderBy: BY_STRATEGY_AND_TIME,
  partitionBy: MONTHLY,
  indexes: [DECISION_ID_INDEX, TRACE_ID_INDEX],
  sources: [{ view: 'llm_calls_from_spans_mv', from: 'otel_traces', attributes: SPAN_ATTRS, with: pricing, where: `${span(KEY.genAiOperationName)} != ''` }],
};

/**
 * The price table as parallel arrays, longest model name first, read once per inserted block; and the index of
 * the call's price: the longest model name the call's model starts with (so dated variants find their model).
 */
function pricing(table: (name: string) => string): string[] {
  const model = `lower(if(${span(KEY.genAiResponseModel)} != '', ${span(KEY.genAiResponseModel)}, ${span(KEY.genAiRequestModel)}))`;
  return [
    `(
        SELECT tuple(groupArray(Model), groupArray(InputUsdPerMTok), groupArray(OutputUsdPerMTok), groupArray(CachedInputUsdPerMTok))
        FROM (
            SELECT lower(Model) AS Model, argMax(InputUsdPerMTok, UpdatedAt) AS InputUsdPerMTok, argMax(OutputUsdPerMTok, UpdatedAt) AS OutputUsdPerMTok,
                   argMax(CachedInputUsdPerMTok, UpdatedAt) AS CachedInputUsdPerMTok
            FROM ${table('llm_prices')} GROUP BY Model ORDER BY length(Model) DESC, Model
        )
    ) AS prices`,
    `arrayFirstIndex(m -> startsWith(${model}, m), prices.1) AS PriceIndex`,
  ];
}

export const llmCallsMigration: Migration = {
  version: 11,
  name: 'llm_calls',
  statements: (context) => typedViewStatements(llmCalls, context),
};
