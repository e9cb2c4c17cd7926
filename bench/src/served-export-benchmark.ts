import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { postProtobuf } from './collector-bench-process.ts';
import { requestTemplates } from './otlp-request-templates.ts';
import { once, type Figures } from './repeated-measurement.ts';

const CLI = fileURLToPath(new URL('../../cli/src/bin.ts', import.meta.url));

/**
 * Ingest while the collector serves a long read: `tradetrace collector` (the real command, query API included) is
 * filled with decisions, then receives OTLP requests open loop at a steady rate, first alone and then while a client
 * exports every triplet through `GET /api/v1/triplets` (what `tradetrace export --data` does on a folder whose
 * collector runs). The embedded engine runs one statement at a time; the export reads in pages so inserts run
 * between them, and acknowledgements wait only for the spool.
 *
 * Figures: `served.ingest_p99_ms` (alone), `served.ingest_p99_during_export_ms`, `served.export_triplets_per_s`
 * (the export's own rate while ingest runs) and `served.export_seconds`.
 */
export async function runServedExportBenchmark(options: { quick: boolean }): Promise<Figures> {
  const spansPerRequest = 1024;
  const fillRequests = options.quick ? 40 : 200;
  const seconds = options.quick ? 3 : 10;
  const requestsPerSecond = 10;
  const dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-bench-served-'));
  const templates = await requestTemplates(8, spansPerRequest);
  // execArgv carries --conditions=tradetrace-source: the child runs the sources, as this process does.
  const child = spawn(process.execPath, [...process.execArgv, CLI, 'collector', '--port', '0', '--data', dataPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    let url = '';
    for await (const line of createInterface({ input: child.stdout })) {
      const entry = JSON.parse(line) as { url?: string; msg?: string };
      if (entry.url && entry.msg?.startsWith('collector listening')) {
        url = entry.url;
        break;
      }
    }
    child.stdout.resume();
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    let sequence = 0;
    const nextBody = () => templates[sequence % templates.length]!.instantiate(sequence++);
    for (let i = 0; i < fillRequests; i += 1) await postProtobuf(url, nextBody(), agent);
    await spoolEmpty(url);

    /** Open loop: requests start on schedule whether or not earlier ones have been answered. */
    const ingestP99 = async (until: () => boolean) => {
      const latencies: number[] = [];
      const inFlight: Promise<void>[] = [];
      const started = performance.now();
      for (let i = 0; until(); i += 1) {
        const due = started + (i * 1000) / requestsPerSecond;
        if (due > performance.now()) await sleep(due - performance.now());
        const sent = performance.now();
        inFlight.push(postProtobuf(url, nextBody(), agent).then(() => void latencies.push(performance.now() - sent)));
      }
      await Promise.all(inFlight);
      latencies.sort((a, b) => a - b);
      return latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;
    };

    const aloneUntil = performance.now() + seconds * 1000;
    const alone = await ingestP99(() => performance.now() < aloneUntil);
    await spoolEmpty(url);

    let exporting = true;
    const exportStarted = performance.now();
    const exported = countTriplets(url).finally(() => {
      exporting = false;
    });
    // At least the same number of seconds as alone, and as long as the export runs.
    const duringUntil = performance.now() + seconds * 1000;
    const during = await ingestP99(() => exporting || performance.now() < duringUntil);
    const triplets = await exported;
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    agent.destroy();
    return {
      'served.ingest_p99_ms': once(alone),
      'served.ingest_p99_during_export_ms': once(during),
      'served.export_triplets_per_s': once(triplets / exportSeconds),
      'served.export_seconds': once(exportSeconds),
    };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataPath, { recursive: true, force: true });
  }
}

/** Reads the whole NDJSON export and counts its lines. */
async function countTriplets(url: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/triplets`);
  if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
  let lines = 0;
  for await (const chunk of response.body) for (const byte of chunk as Uint8Array) if (byte === 10) lines += 1;
  return lines;
}

/** Until every acknowledged request is inserted (the spool gauge of /metrics is 0). */
async function spoolEmpty(url: string): Promise<void> {
  for (;;) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    if (/^tradetrace_collector_spool_records 0$/m.test(metrics)) return;
    await sleep(100);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
