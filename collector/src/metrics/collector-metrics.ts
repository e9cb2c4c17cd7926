import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The collector's Prometheus metrics, in a registry of its own (several collectors may share a process in tests). */
export interface CollectorMetrics {
  readonly registry: Registry;
  /** Spans / log records in requests that decoded, by signal. */
  readonly received: Counter<'signal'>;
  /** Items made durable (spooled) and acknowledged. */
  readonly accepted: Counter<'signal'>;
  /** Items refused, by signal and reason (invalid, too_many, unauthorized, saturated, ...). */
  readonly rejected: Counter<'signal' | 'reason'>;
  /** Requests by route and status code. */
  readonly requests: Counter<'route' | 'status'>;
  /** Rows per INSERT. */
  readonly batchRows: Histogram<'signal'>;
  /** INSERT duration in seconds. */
  readonly insertSeconds: Histogram<'signal' | 'outcome'>;
  /** Rows stored in ClickHouse. */
  readonly storedRows: Counter<'signal'>;
  readonly spoolBytes: Gauge;
  readonly spoolRecords: Gauge;
  /** Spool records moved to the dead-letter folder. */
  readonly deadLetters: Counter<'signal'>;
  /** Requests recognised as retries of an already spooled request and acknowledged without storing twice. */
  readonly dedupHits: Counter<'signal'>;
  /** Health samples folded into the next one because ClickHouse did not take them for too long (collector_metrics). */
  readonly healthSamplesFolded: Counter;
}

export function createCollectorMetrics(): CollectorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tradetrace_collector_' });
  const registers = [registry];
  return {
    registry,
    received: new Counter({
      name: 'tradetrace_collector_received_items_total',
      help: 'Spans and log records received in decodable requests',
      labelNames: ['signal'],
      registers,
    }),
    accepted: new Counter({
      name: 'tradetrace_collector_accepted_items_total',
      help: 'Spans and log records made durable and acknowledged',
      labelNames: ['signal'],
      registers,
    }),
    rejected: new Counter({
      name: 'tradetrace_collector_rejected_items_total',
      help: 'Spans and log records refused, by reason',
      labelNames: ['signal', 'reason'],
      registers,
    }),
    requests: new Counter({
      name: 'tradetrace_collector_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers,
    }),
    batchRows: new Histogram({
      name: 'tradetrace_collector_insert_batch_rows',
      help: 'Rows per INSERT',
      labelNames: ['signal'],
      buckets: [1, 16, 128, 512, 2048, 8192, 32768, 131072],
      registers,
    }),
    insertSeconds: new Histogram({
      name: 'tradetrace_collector_insert_duration_seconds',
      help: 'INSERT latency',
      labelNames: ['signal', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    }),
    storedRows: new Counter({
      name: 'tradetrace_collector_stored_rows_total',
      help: 'Rows stored in ClickHouse',
      labelNames: ['signal'],
      registers,
    }),
    spoolBytes: new Gauge({
      name: 'tradetrace_collector_spool_bytes',
      help: 'Bytes of the write-ahead spool on disk',
      registers,
    }),
    spoolRecords: new Gauge({
      name: 'tradetrace_collector_spool_records',
      help: 'Spooled requests not yet stored in ClickHouse',
      registers,
    }),
    deadLetters: new Counter({
      name: 'tradetrace_collector_dead_letters_total',
      help: 'Spooled requests moved to the dead-letter folder',
      labelNames: ['signal'],
      registers,
    }),
    dedupHits: new Counter({
      name: 'tradetrace_collector_dedup_hits_total',
      help: 'Retried requests acknowledged without being stored twice',
      labelNames: ['signal'],
      registers,
    }),
    healthSamplesFolded: new Counter({
      name: 'tradetrace_collector_health_samples_folded_total',
      help: 'Samples for collector_metrics folded into the next one while ClickHouse did not take them',
      registers,
    }),
  };
}
