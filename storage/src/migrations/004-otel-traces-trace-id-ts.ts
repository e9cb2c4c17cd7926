import { deduplicationStatement } from './insert-deduplication.ts';
import type { Migration } from './migration.ts';

/**
 * `otel_traces_trace_id_ts` and its view, as the contrib ClickHouse exporter creates them: the first and last
 * second of each trace, so Grafana's trace lookup reads one small row instead of scanning `otel_traces`.
 * AggregatingMergeTree folds the per-insert rows of a trace into one row on merge.
 */
export const otelTracesTraceIdTsMigration: Migration = {
  version: 4,
  name: 'otel_traces_trace_id_ts',
  statements: ({ table, replicated }) => [
    `CREATE TABLE IF NOT EXISTS ${table('otel_traces_trace_id_ts')} (
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(ZSTD(1))
) ENGINE = AggregatingMergeTree
PARTITION BY toStartOfWeek(Start)
ORDER BY (TraceId)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    ...(replicated ? [] : [deduplicationStatement(table('otel_traces_trace_id_ts'))]),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${table('otel_traces_trace_id_ts_mv')}
TO ${table('otel_traces_trace_id_ts')}
AS SELECT
    TraceId,
    min(Timestamp) AS Start,
    max(Timestamp) AS End
FROM ${table('otel_traces')}
WHERE TraceId != ''
GROUP BY TraceId`,
  ],
};
