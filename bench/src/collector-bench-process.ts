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
import { insertSpanRowBinary } from '@tradetrace/storage';
import { writeTripletsParquet } from '@tradetrace/adapters';
const { threadCpu } = await import(process.argv[2]);
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
  else if (command === 'engine') {
    const rows = argument.bodies.map((b) => decodeOtlpBody('traces', 'protobuf', Buffer.from(b, 'base64'), limits).decoded);
    const rowBinary = Buffer.concat(rows.map((r) => r.rowBinary));
    const rowCount = rows.reduce((n, r) => n + r.rowCount, 0);
    const rates = [];
    for (let r = 0; r < argument.repeats; r += 1) {
      const started = performance.now();
      await insertSpanRowBinary(collector.storage, rowBinary, { deduplicationToken: 'bench-engine-' + r });
      if (r > 0) rates.push(rowCount / ((performance.now() - started) / 1000));
    }
    result = rates;
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
  /** The engine's own insert rate (rows/s) of the rows in `bodies`, once per repeat after a first unmeasured one. */
  call(command: 'engine', argument: { bodies: string[]; repeats: number }): Promise<number[]>;
  stop(): Promise<void>;
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
