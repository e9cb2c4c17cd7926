import type { RowLayout } from './row-binary/row-layout.ts';

/** How a sampled metric counts: counters and histogram sums/counts only grow within one run; gauges go up and down. */
export type CollectorMetricType = 'counter' | 'gauge' | 'histogram';

/**
 * One row of `collector_metrics`: the value of one of the collector's own metric series (one name, one set of labels)
 * at one sample. Every sample of a running collector writes one row per series.
 */
export interface CollectorMetricRow {
  /** When the sample was taken, unix-epoch nanoseconds in decimal. */
  Timestamp: string;
  /** Which collector (host name and port). */
  CollectorId: string;
  /** When this run of the collector started (counters restart from 0 there), unix-epoch nanoseconds in decimal. */
  StartTime: string;
  /** The Prometheus series name as `/metrics` shows it (`tradetrace_collector_accepted_items_total`, `..._sum`). */
  MetricName: string;
  MetricType: CollectorMetricType;
  Labels: Record<string, string>;
  /** The value at the sample: the total since StartTime for counters and histograms, the current value for gauges. */
  Value: number;
  /** Counters and histograms: growth since the previous sample of the same run (the whole Value at a run's first sample); gauges: 0. */
  Increase: number;
}

/** The columns of a CollectorMetricRow in one fixed order, with their types and insert encodings. */
export const COLLECTOR_METRIC_ROW_LAYOUT = [
  { name: 'Timestamp', type: 'DateTime64(9)', encoding: 'nanoseconds' },
  { name: 'CollectorId', type: 'String', encoding: 'string' },
  { name: 'StartTime', type: 'DateTime64(9)', encoding: 'nanoseconds' },
  { name: 'MetricName', type: 'String', encoding: 'string' },
  { name: 'MetricType', type: 'String', encoding: 'string' },
  { name: 'Labels', type: 'Map(String, String)', encoding: 'stringMap' },
  { name: 'Value', type: 'Float64', encoding: 'float64' },
  { name: 'Increase', type: 'Float64', encoding: 'float64' },
] as const satisfies RowLayout<CollectorMetricRow>;
