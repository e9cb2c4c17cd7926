import { COLLECTOR_METRIC_ROW_LAYOUT, type CollectorMetricRow } from './collector-metric-row.ts';
import { insertSettings, type InsertOptions } from './insert-options.ts';
import type { Storage } from './storage.ts';

/** Writes one sample of the collector's metrics into `collector_metrics` in one INSERT, deduplicated by its token. */
export async function insertCollectorMetricRows(
  storage: Storage,
  rows: readonly CollectorMetricRow[],
  options?: InsertOptions,
): Promise<void> {
  await storage.insertRows('collector_metrics', COLLECTOR_METRIC_ROW_LAYOUT, rows, insertSettings(options));
}
