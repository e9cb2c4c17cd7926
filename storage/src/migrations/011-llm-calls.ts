import { attr, count, sqlString } from './attribute-sql.ts';
import { DEFAULT_LLM_PRICES } from '../llm-prices/default-llm-prices.ts';
import { orderedPriceEntries, SNAPSHOT_SUFFIX_PATTERN } from '../llm-prices/llm-call-cost.ts';
import type { LlmPriceTable } from '../llm-prices/llm-price.ts';
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
import { typedViewStatements, type TypedViewDefinition, type TypedViewSource } from './typed-view.ts';

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

/** The view that fills `llm_calls`; its query carries the price table (see `pricing`). */
export const LLM_CALLS_VIEW = 'llm_calls_from_spans_mv';

/** The index in `prices.1` of the entry that prices `model` (lowercased): itself, or its snapshot's model; 0 for none. */
const priceIndexOf = (model: string) =>
  `arrayFirstIndex(m -> ${model} = m OR (startsWith(${model}, m) AND match(substring(${model}, length(m) + 1), ${sqlString(SNAPSHOT_SUFFIX_PATTERN)})), prices.1)`;

/**
 * The price table as constant arrays in the view's query, longest model name first, and the index of the call's
 * price: the price of the model that answered (`gen_ai.response.model`), else of the model asked for
 * (`gen_ai.request.model`), each matched exactly or as a dated snapshot of a priced model. Constants cost nothing
 * per insert, where a lookup query would run on every block; `writeLlmPrices` swaps them with
 * `ALTER TABLE ... MODIFY QUERY` when prices change, and at every `runMigrations`, so existing stores get this
 * query too.
 */
function pricing(prices: LlmPriceTable): string[] {
  const models = orderedPriceEntries(prices);
  const numbers = (pick: (p: (typeof models)[number][1]) => number) =>
    `CAST([${models.map(([, p]) => String(pick(p))).join(', ')}] AS Array(Float64))`;
  return [
    `(CAST([${models.map(([m]) => sqlString(m)).join(', ')}] AS Array(String)), ${numbers((p) => p.inputUsdPerMTok)}, ${numbers((p) => p.outputUsdPerMTok)}, ${numbers((p) => p.cachedInputUsdPerMTok)}) AS prices`,
    `${priceIndexOf(`lower(${span(KEY.genAiResponseModel)})`)} AS ResponsePriceIndex`,
    `if(ResponsePriceIndex > 0, ResponsePriceIndex, ${priceIndexOf(`lower(${span(KEY.genAiRequestModel)})`)}) AS PriceIndex`,
  ];
}

/** One row per LLM call span (any span with `gen_ai.operation.name`), with tokens, latency, errors and cost. */
export function llmCalls(prices: LlmPriceTable): TypedViewDefinition & { sources: readonly [TypedViewSource] } {
  return {
    table: 'llm_calls',
    columns: [
      ...identityColumns(),
      { name: 'ParentSpanId', type: 'String CODEC(ZSTD(1))', expr: 'ParentSpanId' },
      { name: 'Operation', type: LC, expr: span(KEY.genAiOperationName) },
      // `gen_ai.system` is the name before GenAI conventions v1.37; older instrumentations still send it.
      {
        name: 'Provider',
        type: LC,
        expr: `if(${span(KEY.genAiProviderName)} != '', ${span(KEY.genAiProviderName)}, ${span('gen_ai.system')})`,
      },
      { name: 'RequestModel', type: LC, expr: span(KEY.genAiRequestModel) },
      { name: 'ResponseModel', type: LC, expr: span(KEY.genAiResponseModel) },
      { name: 'ResponseId', type: 'String CODEC(ZSTD(1))', expr: span(KEY.genAiResponseId) },
      {
        name: 'FinishReasons',
        type: 'Array(LowCardinality(String))',
        expr: `JSONExtract(${span(KEY.genAiResponseFinishReasons)}, 'Array(String)')`,
      },
      { name: 'InputTokens', type: 'Nullable(UInt64)', expr: count(span(KEY.genAiUsageInputTokens)) },
      { name: 'OutputTokens', type: 'Nullable(UInt64)', expr: count(span(KEY.genAiUsageOutputTokens)) },
      { name: 'CachedInputTokens', type: 'Nullable(UInt64)', expr: count(span(KEY.genAiUsageCacheReadInputTokens)) },
      {
        name: 'CacheCreationInputTokens',
        type: 'Nullable(UInt64)',
        expr: count(span(KEY.genAiUsageCacheCreationInputTokens)),
      },
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
    sources: [
      {
        view: LLM_CALLS_VIEW,
        from: 'otel_traces',
        attributes: SPAN_ATTRS,
        with: pricing(prices),
        where: `${span(KEY.genAiOperationName)} != ''`,
      },
    ],
  };
}

export const llmCallsMigration: Migration = {
  version: 11,
  name: 'llm_calls',
  statements: (context) => typedViewStatements(llmCalls(DEFAULT_LLM_PRICES), context),
};
