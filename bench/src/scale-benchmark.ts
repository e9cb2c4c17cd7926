import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postProtobuf, startCollectorProcess } from './collector-bench-process.ts';
import { requestTemplates } from './otlp-request-templates.ts';
import { cpuPerSpan } from './thread-cpu.ts';

/** One size of the scale table. */
export interface ScaleRow {
  /** Spans stored at this size. */
  spans: number;
  /** Spans this size added to the store the smaller sizes left. */
  added_spans: number;
  /** From the first added request to the last added span in ClickHouse. */
  ingest_s: number;
  /**
   * The collector process's CPU (its engine's inserts and merges included) per added span over the same interval;
   * unlike `ingest_s`, not lengthened by the wait for the last INSERT, which weighs most at the smallest size.
   * Undefined where thread times cannot be read (not Linux).
   */
  ingest_cpu_us_per_span?: number;
  /** Decisions among the stored spans: the triplets the export wrote. */
  decisions: number;
  /** Triplet export (SQL path into Parquet) of everything stored. */
  export_s: number;
  /** Every active part of the database, views included, per stored span. */
  bytes_per_span: number;
}

const SPANS_PER_REQUEST = 4096;
const CLIENTS = 4;

/**
 * How cost grows with size: one store grows through every power of ten from 10^5 up to `maxSpans` with bots' traces
 * (decisions with their LLM calls, orders and delayed rewards) ingested through a collector process (real
 * OTLP/protobuf over HTTP); at each size, everything stored is exported as triplets. Flat seconds per added span,
 * seconds per exported decision and bytes per stored span down the rows is the claim this table checks; the store is
 * grown rather than rebuilt so that ingest is measured into a store of that size, and no span is sent twice.
 */
export async function runScaleBenchmark(options: { quick: boolean; maxSpans: number }): Promise<ScaleRow[]> {
  const sizes: number[] = [];
  for (let size = 100_000; size <= options.maxSpans; size *= 10) sizes.push(size);
  if (options.quick) sizes.splice(0, sizes.length, SPANS_PER_REQUEST * 4, SPANS_PER_REQUEST * 16);
  const templates = await requestTemplates(4, SPANS_PER_REQUEST, 'bot-traces');
  const rows: ScaleRow[] = [];
  const dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-bench-scale-'));
  const child = await startCollectorProcess(dataPath);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    let requestsSent = 0;
    let decisions = 0;
    for (const size of sizes) {
      const requests = Math.ceil(size / SPANS_PER_REQUEST);
      const addedSpans = (requests - requestsSent) * SPANS_PER_REQUEST;
      let next = requestsSent;
      const cpuBefore = await child.call('cpu');
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          for (let sequence = next++; sequence < requests; sequence = next++) {
            const template = templates[sequence % templates.length]!;
            const body = template.instantiate(sequence);
            decisions += template.decisions;
            // Backpressure (429/503) is retried after the collector's Retry-After, as an OTel exporter does.
            for (
              let response = await postProtobuf(child.url, body, agent);
              response.status !== 200;
              response = await postProtobuf(child.url, body, agent)
            ) {
              if (response.status !== 429 && response.status !== 503)
                throw new Error(`the collector answered ${response.status}`);
              await new Promise((resolve) => setTimeout(resolve, Number(response.retryAfter ?? '1') * 100));
            }
          }
        }),
      );
      requestsSent = requests;
      if (!(await child.call('drain')))
        throw new Error(`the collector did not store ${size} spans within its drain timeout`);
      const ingestSeconds = (performance.now() - started) / 1000;
      const cpuAfter = await child.call('cpu');
      const stored = requests * SPANS_PER_REQUEST;
      const bytes = await child.call('disk');
      const exported = await child.call('export');
      if (exported.count !== decisions)
        throw new Error(`the export of ${stored} spans wrote ${exported.count} triplets for ${decisions} decisions`);
      rows.push({
        spans: stored,
        added_spans: addedSpans,
        decisions,
        ingest_s: ingestSeconds,
        ingest_cpu_us_per_span: cpuBefore && cpuAfter ? cpuPerSpan(cpuBefore, cpuAfter, addedSpans).total : undefined,
        export_s: exported.seconds,
        bytes_per_span: bytes / stored,
      });
      process.stderr.write(
        `  scale: ${stored} spans (${decisions} decisions) stored, the last ${addedSpans} ingested in ${ingestSeconds.toFixed(1)} s, exported in ${exported.seconds.toFixed(1)} s\n`,
      );
    }
  } finally {
    agent.destroy();
    await child.stop();
    rmSync(dataPath, { recursive: true, force: true });
  }
  return rows;
}
