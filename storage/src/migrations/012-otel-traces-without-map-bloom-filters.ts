import type { Migration } from './migration.ts';

/** The contrib exporter's skip indexes on the attribute maps' keys and values, which migration 001 creates. */
export const MAP_BLOOM_FILTER_INDEXES = [
  'idx_res_attr_key',
  'idx_res_attr_value',
  'idx_span_attr_key',
  'idx_span_attr_value',
] as const;

/**
 * Drops the four bloom filters on `otel_traces`' attribute maps: every INSERT hashes every key and value of every span
 * into them, a large share of the table's own insert cost and of its merges. No view, lookup or dashboard needs them:
 * lookups by decision, order or trace go to the typed tables' indexes or `idx_trace_id`; only a triplet export's scan
 * of `otel_traces` reads more granules without them. Columns, key and the other indexes stay the contrib exporter's,
 * so its INSERTs still work.
 */
export const otelTracesWithoutMapBloomFiltersMigration: Migration = {
  version: 12,
  name: 'otel_traces_without_map_bloom_filters',
  statements: ({ table }) => [
    `ALTER TABLE ${table('otel_traces')} ${MAP_BLOOM_FILTER_INDEXES.map((index) => `DROP INDEX IF EXISTS ${index}`).join(', ')}`,
  ],
};
