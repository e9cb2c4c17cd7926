import { Worker } from 'node:worker_threads';

export interface ExporterClientOptions {
  /** Collector base URL. */
  url: string;
  /** Index of this client, 0..255: it names every span id the client makes (see client-span-ids.ts). */
  client: number;
  serviceName: string;
  protocol: 'http/protobuf' | 'http/json';
  /** Spans per export (the BatchSpanProcessor's default is 512). */
  batchSize: number;
  durationMs: number;
  /** Stop after this many spans even if time is left. */
  maxSpans: number;
  headers: Record<string, string>;
  /** The exporter's deadline for one export, retries included (its default is 10 s). */
  exportTimeoutMillis: number;
}

/** What one client did: spans sent, the sequence ranges [from, to) the collector acknowledged, HTTP statuses seen. */
export interface ExporterClientReport {
  client: number;
  sent: number;
  acknowledgedRanges: [number, number][];
  failedExports: number;
  exports: number;
  statuses: Record<string, number>;
}

export interface ExporterClientsOptions
  extends Omit<ExporterClientOptions, 'client' | 'protocol' | 'maxSpans' | 'headers' | 'exportTimeoutMillis'> {
  clients: number;
  /** Index of the first client (default 0), so groups started one after another make distinct span ids. */
  firstClient?: number;
  maxSpans?: number;
  headers?: Record<string, string>;
  exportTimeoutMillis?: number;
}

/** A running group of exporter clients; `stop` lets each finish its current export and returns every report. */
export interface ExporterClients {
  /** Resolves once every client has loaded and started sending (their duration counts from then). */
  readonly started: Promise<void>;
  stop(): Promise<ExporterClientReport[]>;
  /** Resolves when every client has ended by itself (its duration or span count reached). */
  finished(): Promise<ExporterClientReport[]>;
}

const WORKER_FILE = new URL('./exporter-client-worker.ts', import.meta.url);

/** Starts `clients` exporters, each in its own worker thread; every fourth one speaks OTLP/JSON, the rest protobuf. */
export function startExporterClients(options: ExporterClientsOptions): ExporterClients {
  const { clients, firstClient = 0, ...shared } = options;
  const workers: Worker[] = [];
  const reports: Promise<ExporterClientReport>[] = [];
  const ready: Promise<void>[] = [];
  for (let client = firstClient; client < firstClient + clients; client += 1) {
    const workerOptions: ExporterClientOptions = {
      ...shared,
      client,
      protocol: client % 4 === 3 ? 'http/json' : 'http/protobuf',
      maxSpans: options.maxSpans ?? Number.MAX_SAFE_INTEGER,
      headers: options.headers ?? {},
      exportTimeoutMillis: options.exportTimeoutMillis ?? 10_000,
    };
    const worker = new Worker(WORKER_FILE, { workerData: workerOptions });
    workers.push(worker);
    ready.push(
      new Promise((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      }),
    );
    reports.push(
      new Promise((resolve, reject) => {
        worker.on('message', (message: 'ready' | ExporterClientReport) => {
          if (message === 'ready') return;
          resolve(message);
          void worker.terminate();
        });
        worker.once('error', reject);
        worker.once('exit', (code) =>
          reject(new Error(`exporter client ${client} exited (code ${code}) without a report`)),
        );
      }),
    );
  }
  const all = () => Promise.all(reports);
  const started = Promise.all(ready).then(() => {
    for (const worker of workers) worker.postMessage('start');
  });
  // A worker that dies also rejects its report, which callers await; this keeps an unobserved `started` quiet.
  started.catch(() => undefined);
  return {
    started,
    finished: all,
    async stop() {
      for (const worker of workers) worker.postMessage('stop');
      return all();
    },
  };
}

/** Spans a client's collector acknowledged. */
export function acknowledgedCount(report: ExporterClientReport): number {
  return report.acknowledgedRanges.reduce((n, [from, to]) => n + (to - from), 0);
}

/** Sums the HTTP statuses seen by every client. */
export function statusTotals(reports: readonly ExporterClientReport[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const report of reports)
    for (const [status, n] of Object.entries(report.statuses)) totals[status] = (totals[status] ?? 0) + n;
  return totals;
}
