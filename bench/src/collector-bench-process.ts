import { spawn, type ChildProcess } from 'node:child_process';
import { request, type Agent } from 'node:http';
import type { ThreadCpu } from './thread-cpu.ts';

/**
 * The collector runs in a process of its own, as in production, so the load generator does not share its event loop.
 * The same process answers a few commands over IPC: drain the spool, measure the engine's own insert rate, report RSS,
 * bytes on disk, CPU time by thread group, and the time and count of a triplet export of everything stored.
 */
const COLLECTOR_PROCESS = `
import { startCollector, decodeOtlpBody } from '@tradetrace/collector';
import { insertSettings, insertSpanRowBinary, layoutStructure, sqlString, ALL_MIGRATIONS, SPAN_ROW_LAYOUT } from '@tradetrace/storage';
import { writeTripletsParquet } from '@tradetrace/adapters';
import { readFileSync } from 'node:fs';
const { threadCpu, noteJavascriptThreads } = await import(process.argv[2]);
noteJavascriptThreads();
const collector = await startCollector({ port: 0, dataPath: process.argv[1], spoolMaxBytes: 4 * 1024 ** 3, maxConcurrentRequests: 256 });
process.send({ id: 0, result: collector.url });
const limits = collector.config;
process.on('message', async ({ id, command, argument }) => {
  let result;
  if (command === 'drain') result = await collector.drain(600_000);
  else if (command === 'rss') result = process.resourceUsage().maxRSS * 1024;
  else if (command === 'cpu') result = threadCpu() ?? null;
  else if (command === 'disk') {
    const parts = await collector.storage.client.query({ query: "SELECT sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = {db:String}", query_params: { db: collector.storage.database }, format: 'JSONEachRow' });
    result = Number((await parts.json())[0].bytes);
  } else if (command === 'export') {
    const started = performance.now();
    const { count } = await writeTripletsParquet(collector.storage, process.argv[1] + '/export.parquet');
    result = { seconds: (performance.now() - started) / 1000, count };
  }
  else if (command === 'inserts') {
    // Trace INSERTs so far: how many, their rows and their seconds (the shipper's own histograms).
    const sum = async (histogram, name) => (await histogram.get()).values
      .filter((v) => v.metricName === name && v.labels.signal === 'traces' && (v.labels.outcome ?? 'ok') === 'ok')
      .reduce((n, v) => n + v.value, 0);
    result = {
      count: await sum(collector.metrics.batchRows, 'tradetrace_collector_insert_batch_rows_count'),
      rows: await sum(collector.metrics.batchRows, 'tradetrace_collector_insert_batch_rows_sum'),
      seconds: await sum(collector.metrics.insertSeconds, 'tradetrace_collector_insert_duration_seconds_sum'),
    };
  } else if (command === 'engine') {
    const rows = argument.bodies.map((b) => decodeOtlpBody('traces', 'protobuf', Buffer.from(b, 'base64'), limits).decoded);
    const rowBinary = Buffer.concat(rows.map((r) => r.rowBinary));
    const rowCount = rows.reduce((n, r) => n + r.rowCount, 0);
    const storage = collector.storage;
    const run = (query) => storage.client.command({ query });
    // The yardsticks no schema change can move: the same RowBinary parsed into a Null table, and stored into the
    // contrib exporter's own otel_traces (migration 1 as released: its indexes, no views).
    await run('CREATE TABLE IF NOT EXISTS ' + storage.table('bench_null_sink') + ' (' + layoutStructure(SPAN_ROW_LAYOUT) + ') ENGINE = Null');
    const contrib = ALL_MIGRATIONS.find((m) => m.version === 1).statements({ table: () => storage.table('bench_contrib_otel_traces'), replicated: false });
    for (const query of contrib) await run(query);
    // Where the store's own cost goes: its otel_traces without the views, and each view alone, its query run over the
    // same rows (held in memory) into a copy of its table, each with the collector's insert settings. Copies keep the
    // dedup window, so repeats must not dedup.
    const asStored = { ...insertSettings(), insert_deduplicate: 0 };
    await run('CREATE TABLE IF NOT EXISTS ' + storage.table('bench_no_views') + ' AS ' + storage.table('otel_traces'));
    await run('CREATE TABLE IF NOT EXISTS ' + storage.table('bench_view_source') + ' AS ' + storage.table('otel_traces') + ' ENGINE = Memory');
    await storage.insertRowBinary('bench_view_source', SPAN_ROW_LAYOUT, rowBinary, asStored);
    const steps = {
      engine: (r) => insertSpanRowBinary(storage, rowBinary, { deduplicationToken: 'bench-engine-' + r }),
      null_sink: () => storage.insertRowBinary('bench_null_sink', SPAN_ROW_LAYOUT, rowBinary, {}),
      contrib_schema: () => storage.insertRowBinary('bench_contrib_otel_traces', SPAN_ROW_LAYOUT, rowBinary, {}),
      no_views: () => storage.insertRowBinary('bench_no_views', SPAN_ROW_LAYOUT, rowBinary, asStored),
    };
    const views = await (await storage.client.query({ query: "SELECT name, as_select, create_table_query FROM system.tables WHERE database = {db:String} AND has((SELECT dependencies_table FROM system.tables WHERE database = {db:String} AND name = 'otel_traces'), name)", query_params: { db: storage.database }, format: 'JSONEachRow' })).json();
    const madeRows = [];
    for (const view of views) {
      const target = view.create_table_query.split(' TO ')[1].split(' ')[0];
      const copy = storage.table('bench_view_' + view.name);
      await run('CREATE TABLE IF NOT EXISTS ' + copy + ' AS ' + target);
      const select = view.as_select.replaceAll(storage.database + '.otel_traces', storage.table('bench_view_source'));
      steps['view.' + view.name] = () => storage.client.command({ query: 'INSERT INTO ' + copy + ' ' + select, clickhouse_settings: asStored });
      // The design not taken: the collector making this view's rows itself. They are written once as RowBinary in
      // their table's column order, then inserted through the same storage function as the spans, into a copy; text
      // is declared String, as the span layout declares it (parsing RowBinary into LowCardinality costs far more).
      const layout = (await (await storage.client.query({ query: 'SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {table:String} ORDER BY position', query_params: { db: storage.database, table: target.split('.').at(-1).replaceAll('\x60', '') }, format: 'JSONEachRow' })).json())
        .map((c) => ({ name: c.name, type: c.type.replaceAll('LowCardinality(String)', 'String') }));
      const file = process.argv[1] + '/made-rows-' + view.name + '.rowbinary';
      await run('INSERT INTO FUNCTION file(' + sqlString(file) + ", 'RowBinary', " + sqlString(layoutStructure(layout)) + ') ' + select + ' SETTINGS engine_file_truncate_on_insert = 1');
      const bytes = readFileSync(file);
      if (bytes.length === 0) continue;
      await run('CREATE TABLE IF NOT EXISTS ' + storage.table('bench_made_' + view.name) + ' AS ' + target);
      madeRows.push({ table: 'bench_made_' + view.name, layout, bytes });
    }
    steps.collector_made_rows = async () => {
      for (const { table, layout, bytes } of madeRows) await storage.insertRowBinary(table, layout, bytes, asStored);
    };
    const rates = Object.fromEntries(Object.keys(steps).map((key) => [key, []]));
    const cpu = Object.fromEntries(Object.keys(steps).map((key) => [key, []]));
    // Interleaved, so the host's other tenants weigh on all alike.
    for (let r = 0; r < argument.repeats; r += 1) {
      for (const [key, step] of Object.entries(steps)) {
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        await step(r);
        const seconds = (performance.now() - started) / 1000;
        const used = process.cpuUsage(cpuBefore);
        if (r === 0) continue;
        rates[key].push(rowCount / seconds);
        cpu[key].push((used.user + used.system) / rowCount);
      }
    }
    await run('DROP TABLE ' + storage.table('bench_view_source'));
    result = { rates, cpu };
  } else if (command === 'stop') {
    await collector.close();
    process.send({ id, result: true });
    process.exit(0);
  }
  process.send({ id, result });
});
`;

export interface CollectorProcess {
  url: string;
  call(command: 'drain' | 'rss' | 'disk'): Promise<number>;
  /** CPU seconds used so far by thread group; null where /proc is missing. */
  call(command: 'cpu'): Promise<ThreadCpu | null>;
  /** Triplet export (SQL path into Parquet) of everything stored: seconds taken, triplets written. */
  call(command: 'export'): Promise<{ seconds: number; count: number }>;
  /** Trace INSERTs the shipper made so far: their number, rows and seconds. */
  call(command: 'inserts'): Promise<InsertTotals>;
  /**
   * Insert rate (rows/s) and process CPU µs per row of the rows in `bodies`, once per repeat after a first unmeasured
   * one: into the store's `otel_traces` with its views (`engine`), a Null table (`null_sink`), the contrib
   * exporter's own table (`contrib_schema`), the store's `otel_traces` without its views (`no_views`), each view's
   * query over the same rows into a copy of its table (`view.<view name>`), and every view's rows for them inserted
   * as RowBinary into copies of their tables (`collector_made_rows`).
   */
  call(
    command: 'engine',
    argument: { bodies: string[]; repeats: number },
  ): Promise<{ rates: Record<EngineStep, number[]>; cpu: Record<EngineStep, number[]> }>;
  stop(): Promise<void>;
}

export type EngineStep =
  | 'engine'
  | 'null_sink'
  | 'contrib_schema'
  | 'no_views'
  | 'collector_made_rows'
  | `view.${string}`;

export interface InsertTotals {
  count: number;
  rows: number;
  seconds: number;
}

export async function startCollectorProcess(dataPath: string): Promise<CollectorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...process.execArgv, // --conditions=tradetrace-source: the child runs the sources, as this process does
      '--input-type=module',
      '-e',
      COLLECTOR_PROCESS,
      dataPath,
      import.meta.resolve('./thread-cpu.ts'),
    ],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the collector process exited (${code}) before listening`)));
    child.on('message', (message: { id: number; result: unknown }) => {
      if (message.id === 0) resolve(message.result as string);
      pending.get(message.id)?.(message.result);
      pending.delete(message.id);
    });
  });
  const call = (command: string, argument?: unknown) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, (result) => resolve(typeof result === 'object' ? result : Number(result)));
      child.send({ id, command, argument });
    });
  return {
    url,
    call: call as CollectorProcess['call'],
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call('stop').catch(() => undefined);
      await exited;
    },
  };
}

/** POSTs one OTLP/protobuf trace request; resolves with the status (and Retry-After) once the answer is read. */
export function postProtobuf(
  baseUrl: string,
  body: Buffer,
  agent: Agent,
): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/v1/traces`,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
