import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace';
import { summarize } from './repeated-measurement.ts';

/**
 * Collector ingest, end to end: real OTLP/protobuf requests of 4096 spans (made by OpenTelemetry's own serializer,
 * each request with trace ids of its own) from several concurrent HTTP clients into a collector process on loopback
 * that spools, acknowledges and inserts them into the embedded engine. In the same run, in the same collector
 * process, the engine's own insert rate for the same rows (decoded from the same bodies, inserted through the same
 * storage function) gives the ratio. p99 request latency is measured at half the maximum rate, open loop.
 *
 * Figures: `collector.spans_per_s` (goal ≥ 100,000), `collector.engine_rows_per_s`, `collector.ratio_to_engine`,
 * `collector.p99_ms` (goal < 250), `collector.rss_mb` (the collector process's peak RSS).
 */
export async function runCollectorBenchmark(options: { quick: boolean }): Promise<Record<string, number>> {
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
    for (let r = 0; r < repeats + 1; r += 1) {
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
      if (r > 0) rates.push(acknowledged / ((performance.now() - started) / 1000));
    }
    const spansPerSecond = summarize(rates).median;

    // Half that rate, open loop: requests start on schedule whether or not earlier ones have finished.
    const interval = (spansPerRequest / (spansPerSecond / 2)) * 1000;
    const latencies: number[] = [];
    const inFlight: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; performance.now() - started < seconds * 1000; i += 1) {
      const due = started + i * interval;
      if (due > performance.now()) await sleep(due - performance.now());
      const sent = performance.now();
      inFlight.push(postProtobuf(child.url, nextBody(), agent).then(() => void latencies.push(performance.now() - sent)));
    }
    await Promise.all(inFlight);
    await child.call('drain');
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;

    const engine = await child.call('engine', { bodies: templates.map((t) => t.instantiate(1e9 + templates.indexOf(t)).toString('base64')), repeats: repeats + 1 });
    const rss = await child.call('rss');
    agent.destroy();
    return {
      'collector.spans_per_s': spansPerSecond,
      'collector.engine_rows_per_s': engine,
      'collector.ratio_to_engine': spansPerSecond / engine,
      'collector.p99_ms': p99,
      'collector.rss_mb': rss / (1024 * 1024),
    };
  } finally {
    await child.stop();
    rmSync(dataPath, { recursive: true, force: true });
  }
}

/** A serialized request whose trace ids carry a marker, so each use can be given ids of its own. */
interface RequestTemplate {
  instantiate(sequence: number): Buffer;
}

const MARKER = Buffer.from('feedface', 'hex');

async function requestTemplates(count: number, spans: number): Promise<RequestTemplate[]> {
  const templates: RequestTemplate[] = [];
  for (let t = 0; t < count; t += 1) {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'bench-bot', 'service.version': '1.0.0', 'trading.bot.id': `bench-${t}` }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
      idGenerator: new MarkedIdGenerator(),
    });
    const tracer = provider.getTracer('bench', '1.0.0');
    for (let i = 0; i < spans; i += 1) {
      const span = tracer.startSpan('decide BTC/USDT', {
        attributes: {
          'trading.operation.name': 'decide',
          'trading.decision.id': `d-${t}-${i}`,
          'trading.decision.action': i % 3 === 0 ? 'buy' : 'hold',
          'trading.decision.confidence': (i % 100) / 100,
          'trading.strategy.name': 'momentum',
          'trading.strategy.version': i % 2 === 0 ? 'v1' : 'v2',
          'trading.symbol': 'BTC/USDT',
          'trading.mode': 'paper',
          'trading.context.price': 60_000 + i,
          'trading.context.rsi_14': 40 + (i % 30),
        },
      });
      if (i % 4 === 0) span.addEvent('trading.reward', { 'trading.reward.value': (i % 7) - 3, 'trading.decision.id': `d-${t}-${i}` });
      span.end();
    }
    await provider.forceFlush();
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
    const positions: number[] = [];
    for (let at = body.indexOf(MARKER); at >= 0; at = body.indexOf(MARKER, at + 1)) positions.push(at + MARKER.length);
    templates.push({
      instantiate(sequence) {
        const copy = Buffer.from(body);
        for (const at of positions) copy.writeUInt32BE(sequence >>> 0, at);
        return copy;
      },
    });
  }
  return templates;
}

/** Trace ids `feedface` + 4 bytes left for the request number + 8 random bytes. */
class MarkedIdGenerator implements IdGenerator {
  generateTraceId(): string {
    return `feedface00000000${randomHex(16)}`;
  }

  generateSpanId(): string {
    return randomHex(16);
  }
}

function randomHex(length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

function postProtobuf(baseUrl: string, body: Buffer, agent: Agent): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/v1/traces`, { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The collector runs in a process of its own, as in production, so the load generator does not share its event loop.
 * The same process answers a few commands over IPC: drain the spool, measure the engine's own insert rate, report RSS.
 */
const COLLECTOR_PROCESS = `
import { startCollector, decodeOtlpBody } from '@tradetrace/collector';
import { insertSpanRows } from '@tradetrace/storage';
const collector = await startCollector({ port: 0, dataPath: process.argv[1], spoolMaxBytes: 4 * 1024 ** 3, maxConcurrentRequests: 256 });
process.send({ id: 0, result: collector.url });
const limits = collector.config;
process.on('message', async ({ id, command, argument }) => {
  let result;
  if (command === 'drain') result = await collector.drain(600_000);
  else if (command === 'rss') result = process.resourceUsage().maxRSS * 1024;
  else if (command === 'engine') {
    const rows = argument.bodies.flatMap((b) => decodeOtlpBody('traces', 'protobuf', Buffer.from(b, 'base64'), {
      maxItemsPerRequest: limits.maxItemsPerRequest, maxAttributesPerItem: limits.maxAttributesPerItem, maxAttributeValueLength: limits.maxAttributeValueLength,
    }).decoded.rows);
    const rates = [];
    for (let r = 0; r < argument.repeats; r += 1) {
      const started = performance.now();
      await insertSpanRows(collector.storage, rows, { deduplicationToken: 'bench-engine-' + r });
      if (r > 0) rates.push(rows.length / ((performance.now() - started) / 1000));
    }
    rates.sort((a, b) => a - b);
    result = rates[Math.floor(rates.length / 2)];
  } else if (command === 'stop') {
    await collector.close();
    process.send({ id, result: true });
    process.exit(0);
  }
  process.send({ id, result });
});
`;

interface CollectorProcess {
  url: string;
  call(command: 'drain' | 'rss'): Promise<number>;
  call(command: 'engine', argument: { bodies: string[]; repeats: number }): Promise<number>;
  stop(): Promise<void>;
}

async function startCollectorProcess(dataPath: string): Promise<CollectorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', COLLECTOR_PROCESS, dataPath], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
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
    new Promise<number>((resolve) => {
      const id = nextId++;
      pending.set(id, (result) => resolve(Number(result)));
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
