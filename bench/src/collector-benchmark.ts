import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postProtobuf, startCollectorProcess, type EngineStep, type InsertTotals } from './collector-bench-process.ts';
import { requestTemplates } from './otlp-request-templates.ts';
import { once, summarize, type Figures } from './repeated-measurement.ts';
import { cpuPerSpan, type CpuPerSpan } from './thread-cpu.ts';

/**
 * Collector ingest, end to end: real OTLP/protobuf requests of 4096 spans (made by OpenTelemetry's own serializer,
 * each request with trace ids of its own) from several concurrent HTTP clients into a collector process on loopback
 * that spools, acknowledges and inserts them into the embedded engine. In the same run, in the same collector
 * process, the engine's own insert rate for the same rows (decoded from the same bodies, inserted through the same
 * storage function) gives the ratio. p99 request latency is measured at half the maximum rate, open loop.
 *
 * Fixed references from the same rows in the same run, which no change to the schema or the collector can move:
 * `collector.null_sink_rows_per_s` (the engine parsing them into a Null table) and
 * `collector.contrib_schema_rows_per_s` (storing them into the contrib exporter's `otel_traces`, its indexes and no
 * views), each also as process CPU µs per row (`collector.*_cpu_us_per_row`, `engine` being the store's own table
 * with its views). Where the store's own cost goes, on the same rows: `collector.no_views_cpu_us_per_row` (its
 * `otel_traces` without the views) and `collector.view.<view name>.cpu_us_per_row` (each view's query over the rows,
 * into a copy of its table). The design not taken, on the same rows: `collector.collector_made_rows_cpu_us_per_row`
 * (every view's rows for them inserted as RowBinary into copies of their tables, as if the collector made them; to
 * weigh against `engine` less `no_views`, what the views cost). `collector.insert_rows` and
 * `collector.half_load_insert_rows`: mean rows per INSERT the shipper made at the maximum rate and at half of it.
 *
 * Figures: `collector.spans_per_s` (goal ≥ 100,000), `collector.engine_rows_per_s`, `collector.ratio_to_engine`,
 * `collector.p99_ms` (goal < 250), `collector.rss_mb` (the collector process's peak RSS through ingest, read before
 * the references run in it). CPU per span during the maximum-rate runs, which the host's other tenants do not inflate
 * as they do wall-clock rates:
 * `collector.own_cpu_us_per_span` (JavaScript and libuv threads: receiving, decoding, spooling, encoding inserts),
 * `collector.cpu_us_per_span` (the whole process, the embedded engine's inserts and merges included) and
 * `collector.own_spans_per_core_s` (goal ≥ 15,000: the OpenTelemetry Collector's sizing per core, which likewise
 * leaves out the database it exports to).
 */
export async function runCollectorBenchmark(options: { quick: boolean }): Promise<Figures> {
  const spansPerRequest = 4096;
  const distinctBodies = options.quick ? 4 : 16;
  const clients = options.quick ? 2 : 6;
  const seconds = options.quick ? 2 : 8;
  const repeats = options.quick ? 1 : 3;
  const dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-bench-collector-'));
  const templates = await requestTemplates(distinctBodies, spansPerRequest);
  const child = await startCollectorProcess(dataPath);
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: clients * 2 });
    let sequence = 0;
    const nextBody = () => templates[sequence % templates.length]!.instantiate(sequence++);

    // Maximum rate: each client sends its next request as soon as the previous one is answered.
    const rates: number[] = [];
    const cpuPerRun: CpuPerSpan[] = [];
    const maxLoadInsertRows: number[] = [];
    for (let r = 0; r < repeats + 1; r += 1) {
      const cpuBefore = await child.call('cpu');
      const insertsBefore = await child.call('inserts');
      const started = performance.now();
      const deadline = started + seconds * 1000;
      let acknowledged = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < deadline) {
            const response = await postProtobuf(child.url, nextBody(), agent);
            if (response.status === 200) acknowledged += spansPerRequest;
            else await sleep(Number(response.retryAfter ?? '1') * 100);
          }
        }),
      );
      await child.call('drain');
      // The first run warms the JIT and the engine; it is not counted.
      if (r === 0) continue;
      rates.push(acknowledged / ((performance.now() - started) / 1000));
      maxLoadInsertRows.push(rowsPerInsert(insertsBefore, await child.call('inserts')));
      const cpuAfter = await child.call('cpu');
      if (cpuBefore && cpuAfter) cpuPerRun.push(cpuPerSpan(cpuBefore, cpuAfter, acknowledged));
    }
    const ingest = summarize(rates);
    const spansPerSecond = ingest.median;

    // Half that rate, open loop: requests start on schedule whether or not earlier ones have finished.
    const interval = (spansPerRequest / (spansPerSecond / 2)) * 1000;
    const latencies: number[] = [];
    const inFlight: Promise<void>[] = [];
    const halfLoadInsertsBefore = await child.call('inserts');
    const started = performance.now();
    for (let i = 0; performance.now() - started < seconds * 1000; i += 1) {
      const due = started + i * interval;
      if (due > performance.now()) await sleep(due - performance.now());
      const sent = performance.now();
      inFlight.push(
        postProtobuf(child.url, nextBody(), agent).then(() => void latencies.push(performance.now() - sent)),
      );
    }
    await Promise.all(inFlight);
    await child.call('drain');
    const halfLoadInsertRows = rowsPerInsert(halfLoadInsertsBefore, await child.call('inserts'));
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;

    // Peak RSS of ingest, read before the references add tables and rows of their own to the process.
    const rss = await child.call('rss');
    const references = await child.call('engine', {
      bodies: templates.map((t) => t.instantiate(1e9 + templates.indexOf(t)).toString('base64')),
      repeats: repeats + 1,
    });
    const engine = summarize(references.rates.engine);
    agent.destroy();
    return {
      'collector.spans_per_s': ingest,
      'collector.engine_rows_per_s': engine,
      'collector.ratio_to_engine': once(spansPerSecond / engine.median),
      'collector.null_sink_rows_per_s': summarize(references.rates.null_sink),
      'collector.contrib_schema_rows_per_s': summarize(references.rates.contrib_schema),
      'collector.engine_cpu_us_per_row': summarize(references.cpu.engine),
      'collector.null_sink_cpu_us_per_row': summarize(references.cpu.null_sink),
      'collector.contrib_schema_cpu_us_per_row': summarize(references.cpu.contrib_schema),
      'collector.no_views_cpu_us_per_row': summarize(references.cpu.no_views),
      'collector.collector_made_rows_cpu_us_per_row': summarize(references.cpu.collector_made_rows),
      ...viewFigures(references.cpu),
      'collector.insert_rows': summarize(maxLoadInsertRows),
      'collector.half_load_insert_rows': once(halfLoadInsertRows),
      'collector.p99_ms': once(p99),
      'collector.rss_mb': once(rss / (1024 * 1024)),
      ...cpuFigures(cpuPerRun),
    };
  } finally {
    await child.stop();
    rmSync(dataPath, { recursive: true, force: true });
  }
}

/** Each view's own CPU per row of `otel_traces` (`collector.view.<view name>.cpu_us_per_row`). */
function viewFigures(cpu: Record<EngineStep, number[]>): Figures {
  return Object.fromEntries(
    Object.entries(cpu)
      .filter(([step]) => step.startsWith('view.'))
      .map(([step, samples]) => [`collector.${step}.cpu_us_per_row`, summarize(samples)]),
  );
}

/** Mean rows per trace INSERT between two readings of the shipper's totals. */
function rowsPerInsert(before: InsertTotals, after: InsertTotals): number {
  return (after.rows - before.rows) / Math.max(1, after.count - before.count);
}

/** Nothing where thread times cannot be read (not Linux): the other figures stand without them. */
function cpuFigures(runs: readonly CpuPerSpan[]): Figures {
  if (runs.length === 0) return {};
  const own = summarize(runs.map((run) => run.own));
  return {
    'collector.own_cpu_us_per_span': own,
    'collector.cpu_us_per_span': summarize(runs.map((run) => run.total)),
    'collector.own_spans_per_core_s': summarize(runs.map((run) => 1e6 / run.own)),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
