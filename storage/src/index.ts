export { openStorage, quoteIdentifier, type RowBinaryPieces, type Storage } from './storage.ts';
export { sqlString } from './migrations/attribute-sql.ts';
export { StorageOptionsSchema, type StorageOptions } from './storage-options.ts';
export { StorageError, type StorageErrorCode } from './storage-errors.ts';
export { parseJsonExact, stringifyJsonExact } from './exact-json.ts';
export { clickHouseErrorCode, isRowContentError } from './engine-error-code.ts';
export { embeddedStoreExists } from './embedded-store-presence.ts';
export { isProcessAlive } from './data-path-lock.ts';
export { planSchema, runMigrations, type SchemaPlan } from './migrations/run-migrations.ts';
export { MigrationOptionsSchema, type MigrationOptions } from './migrations/migration-options.ts';
export {
  CLUSTER_WIDE_TABLES,
  clusterLayout,
  singleServerLayout,
  type SchemaLayout,
} from './migrations/schema-layout.ts';
export { TTL_COLUMNS, TTL_TABLES, type TtlTable } from './migrations/ttl-statements.ts';
export { DEDUPLICATION_WINDOW } from './migrations/insert-deduplication.ts';
export { REWARD_SOURCES } from './migrations/009-trading-rewards.ts';
export { DEFAULT_LLM_PRICES } from './llm-prices/default-llm-prices.ts';
export { llmCallCostUsd, priceOfModel, type LlmCallModels, type LlmCallUsage } from './llm-prices/llm-call-cost.ts';
export { LlmPriceSchema, LlmPriceTableSchema, type LlmPrice, type LlmPriceTable } from './llm-prices/llm-price.ts';
export { llmPricingStatements, writeLlmPrices, type WriteLlmPricesOptions } from './llm-prices/write-llm-prices.ts';
export { ALL_MIGRATIONS } from './migrations/all-migrations.ts';
export type { Migration, MigrationContext } from './migrations/migration.ts';
export { insertSpanRowBinary, insertSpanRows } from './span-row-inserter.ts';
export { insertLogRowBinary, insertLogRows } from './log-row-inserter.ts';
export { insertCollectorMetricRows } from './collector-metric-row-inserter.ts';
export {
  COLLECTOR_METRIC_ROW_LAYOUT,
  type CollectorMetricRow,
  type CollectorMetricType,
} from './collector-metric-row.ts';
export { RowBinaryWriter } from './row-binary/row-binary-writer.ts';
export { encodeRowBinarySync } from './row-binary/row-binary-encoding.ts';
export { encodeKeyedSpanRowsSync } from './row-binary/keyed-span-row-encoding.ts';
export { rowBinaryStringKey, SpanRowKeysBuilder, type SpanRowKeys } from './row-binary/span-row-keys.ts';
export { SpanKeyOrdering, type KeyedSpanRows } from './row-binary/span-rows-in-key-order.ts';
export { insertSettings, type InsertOptions } from './insert-options.ts';
export { LOG_ROW_LAYOUT, type LogRow } from './log-row.ts';
export {
  SPAN_KIND_NAMES,
  SPAN_ROW_LAYOUT,
  STATUS_CODE_NAMES,
  type SpanRow,
  type SpanKindName,
  type StatusCodeName,
} from './span-row.ts';
export { layoutStructure, type RowLayout } from './row-binary/row-layout.ts';
