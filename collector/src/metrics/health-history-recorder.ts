import {
  insertCollectorMetricRows,
  type CollectorMetricRow,
  type CollectorMetricType,
  type Storage,
} from '@tradetrace/storage';
import type { Logger } from 'pino';
import type { Counter, Registry } from 'prom-client';

export interface HealthHistoryOptions {
  registry: Registry;
  storage: Storage;
  /** Names this collector in the table (host name and port). */
  collectorId: string;
  /** Time between samples; 0: no timer (samples only when `record` is called). */
  intervalMs: number;
  /**
   * Samples kept while ClickHouse does not take them. Default 240. Past this the oldest is folded into the next one: its
   * counters' growth is kept, its timestamp and gauge values are lost.
   */
  maxPendingSamples?: number;
  /** Counts samples folded past `maxPendingSamples`. */
  folded?: Counter;
  logger?: Logger;
  /** Wall clock in ms; tests move it. */
  now?: () => number;
}

/** Writes the collector's own metrics into `collector_metrics`, a sample at start, every interval and at stop. */
export interface HealthHistoryRecorder {
  /** Takes a sample now and writes it after any still waiting; resolves once written or kept for a later try. */
  record(): Promise<void>;
  /** Stops the timer and records a last sample, waiting at most `timeoutMs` for it to be written. */
  stop(timeoutMs: number): Promise<void>;
}

interface PendingSample {
  rows: CollectorMetricRow[];
  token: string;
}

const seriesKey = (row: CollectorMetricRow) => `${row.MetricName}${JSON.stringify(row.Labels)}`;

/** Adds an unsent sample's counter growth to the next sample, so rates over a long outage still add up. */
function foldIntoNext(oldest: PendingSample, next: PendingSample): void {
  const growth = new Map(oldest.rows.map((row) => [seriesKey(row), row.Increase]));
  for (const row of next.rows) row.Increase += growth.get(seriesKey(row)) ?? 0;
}

const nanoseconds = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/**
 * Takes samples of the registry's metrics as rows: every series' value and (counters, histograms' sums and counts) its
 * growth since the previous sample, under a deduplication token of its own.
 */
function metricSampler(
  registry: Registry,
  collectorId: string,
  startTime: string,
  now: () => number,
): () => Promise<PendingSample> {
  const previous = new Map<string, number>();
  let sequence = 0;
  return async () => {
    const timestamp = nanoseconds(now());
    const rows: CollectorMetricRow[] = [];
    for (const metric of await registry.getMetricsAsJSON()) {
      const type = String(metric.type) as CollectorMetricType | 'summary';
      for (const value of metric.values) {
        const metricName = (value as { metricName?: string }).metricName ?? metric.name;
        // Buckets and quantiles belong to a histogram's or summary's own view; the sum and count carry its rate.
        if (metricName.endsWith('_bucket') || 'quantile' in value.labels) continue;
        const labels = Object.fromEntries(Object.entries(value.labels).map(([k, v]) => [k, String(v)]));
        const grows = type !== 'gauge';
        const row: CollectorMetricRow = {
          Timestamp: timestamp,
          CollectorId: collectorId,
          StartTime: startTime,
          MetricName: metricName,
          MetricType: type === 'gauge' ? 'gauge' : type === 'counter' ? 'counter' : 'histogram',
          Labels: labels,
          Value: value.value,
          Increase: 0,
        };
        if (grows) {
          const key = seriesKey(row);
          row.Increase = Math.max(0, value.value - (previous.get(key) ?? 0));
          previous.set(key, value.value);
        }
        rows.push(row);
      }
    }
    return { rows, token: `collector-health:${collectorId}:${startTime}:${sequence++}` };
  };
}

/**
 * Collector health history. Samples go to ClickHouse straight through the storage's RowBinary insert, one INSERT per
 * sample under a token of its own (a retried sample is stored once), and not through the write-ahead spool: the spool's
 * disk budget and batches belong to the bots' telemetry, and a sample lost in a crash is restated by the next one
 * (its values are totals since the run started). While ClickHouse refuses them, samples wait in memory, in order.
 */
export function startHealthHistory(options: HealthHistoryOptions): HealthHistoryRecorder {
  const { registry, storage, collectorId, logger, folded } = options;
  const now = options.now ?? Date.now;
  const maxPending = options.maxPendingSamples ?? 240;
  const startTime = nanoseconds(now());
  const sample = metricSampler(registry, collectorId, startTime, now);
  const pending: PendingSample[] = [];
  let writing: Promise<void> | undefined;
  let failing = false;

  async function writePending(): Promise<void> {
    while (pending.length > 0) {
      const next = pending[0]!;
      try {
        await insertCollectorMetricRows(storage, next.rows, { deduplicationToken: next.token });
      } catch (error) {
        if (!failing) logger?.warn({ err: error, waiting: pending.length }, 'collector health sample not stored yet');
        failing = true;
        return;
      }
      pending.shift();
      failing = false;
    }
  }

  /** Starts a writer unless one is running; a running writer also takes the samples added while it works. */
  function flush(): Promise<void> {
    writing ??= writePending().finally(() => {
      writing = undefined;
    });
    return writing;
  }

  async function record(): Promise<void> {
    const taken = await sample();
    pending.push(taken);
    while (pending.length > maxPending) {
      foldIntoNext(pending.shift()!, pending[0]!);
      folded?.inc();
    }
    // A writer that finished its last INSERT just before this sample arrived leaves it for the next one.
    do await flush();
    while (pending.includes(taken) && !failing);
  }

  const tick = () => {
    record().catch((error: unknown) => logger?.warn({ err: error }, 'collector health sample failed'));
  };
  tick();
  const timer = options.intervalMs > 0 ? setInterval(tick, options.intervalMs) : undefined;
  timer?.unref();

  return {
    record,
    async stop(timeoutMs) {
      clearInterval(timer);
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        (async () => {
          await writing;
          await record();
        })(),
        new Promise<void>((resolve) => {
          timeout = setTimeout(resolve, timeoutMs);
        }),
      ]).finally(() => clearTimeout(timeout));
    },
  };
}
