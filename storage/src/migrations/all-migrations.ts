import { otelTracesMigration } from './001-otel-traces.ts';
import { otelLogsMigration } from './002-otel-logs.ts';
import { telemetryInsertDeduplicationMigration } from './003-telemetry-insert-deduplication.ts';
import { otelTracesTraceIdTsMigration } from './004-otel-traces-trace-id-ts.ts';
import { tradingDecisionsMigration } from './005-trading-decisions.ts';
import { tradingOrdersMigration } from './006-trading-orders.ts';
import { tradingFillsMigration } from './007-trading-fills.ts';
import { tradingPositionsMigration } from './008-trading-positions.ts';
import { tradingRewardsMigration } from './009-trading-rewards.ts';
import { llmPricesMigration } from './010-llm-prices.ts';
import { llmCallsMigration } from './011-llm-calls.ts';
import { otelTracesWithoutMapBloomFiltersMigration } from './012-otel-traces-without-map-bloom-filters.ts';
import { lz4CodecsMigration } from './013-lz4-codecs.ts';
import { tradingRewardsPrimaryMigration } from './015-trading-rewards-primary.ts';
import { strategyVersionsMigration } from './020-strategy-versions.ts';
import { strategyVersionAuditMigration } from './021-strategy-version-audit.ts';
import { searchRunsMigration } from './026-search-runs.ts';
import { collectorMetricsMigration } from './030-collector-metrics.ts';
import { mergeSelectorBaseMigration } from './031-merge-selector-base.ts';
import type { Migration } from './migration.ts';

/** Every migration, in version order. Append only: a released migration is never edited. */
export const ALL_MIGRATIONS: readonly Migration[] = [
  otelTracesMigration,
  otelLogsMigration,
  telemetryInsertDeduplicationMigration,
  otelTracesTraceIdTsMigration,
  tradingDecisionsMigration,
  tradingOrdersMigration,
  tradingFillsMigration,
  tradingPositionsMigration,
  tradingRewardsMigration,
  llmPricesMigration,
  llmCallsMigration,
  otelTracesWithoutMapBloomFiltersMigration,
  lz4CodecsMigration,
  tradingRewardsPrimaryMigration,
  strategyVersionsMigration,
  strategyVersionAuditMigration,
  searchRunsMigration,
  collectorMetricsMigration,
  mergeSelectorBaseMigration,
];
