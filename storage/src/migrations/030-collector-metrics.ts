import { DEDUPLICATION_WINDOW } from './insert-deduplication.ts';
import type { Migration } from './migration.ts';

/**
 * `collector_metrics`: the collector's own metrics, one row per series per sample, written by the collector on an
 * interval (collector health history). A table of its own rather than the contrib exporter's `otel_metrics_*`
 * (three tables with exemplars and cumulative sums): each counter row carries its growth since the previous sample,
 * so a rate over time is a plain sum per time bucket, and an interval without rows is an interval the collector was
 * not running.
 */
export const collectorMetricsMigration: Migration = {
  version: 30,
  name: 'collector_metrics',
  statements: ({ table, replicated }) => [
    `CREATE TABLE IF NOT EXISTS ${table('collector_metrics')} (
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    CollectorId LowCardinality(String) CODEC(ZSTD(1)),
    StartTime DateTime64(9) CODEC(ZSTD(1)),
    MetricName LowCardinality(String) CODEC(ZSTD(1)),
    MetricType LowCardinality(String) CODEC(ZSTD(1)),
    Labels Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Value Float64 CODEC(ZSTD(1)),
    Increase Float64 CODEC(ZSTD(1))
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (MetricName, CollectorId, Timestamp)
SETTINGS ttl_only_drop_parts = 1${replicated ? '' : `, non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW}`}`,
  ],
};
