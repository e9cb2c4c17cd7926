import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { QUERY_API_ROUTES } from '../../src/query-api/query-api-routes.ts';

const BOT_TOKEN = 'bot-bound-token-0123456789';
const SERVICE_TOKEN = 'service-bound-token-0123456789';
const READ = 'read-token-for-identity-test';
const RESOURCE = { 'service.name': 'svc-a', 'trading.bot.id': 'bot-7' };

/** Where a request names someone itself: a span's, a span event's or a log record's own attributes. */
type Place = 'span' | 'event' | 'log';
type Encoding = 'protobuf' | 'json';

interface Payload {
  traces: Record<Encoding, Buffer>;
  logs: Record<Encoding, Buffer>;
}

/**
 * A request of every kind the typed tables are filled from (decision, order with a fill, closed position, LLM call,
 * reward event and reward log record), from the real OpenTelemetry SDK and serializers, tagged `test.request`.
 * `own` adds attributes to the decision span, its reward event or the reward log record.
 */
async function payload(tag: string, own: { place: Place; attributes: Record<string, string> } | undefined) {
  const ownAt = (place: Place) => (own?.place === place ? own.attributes : {});
  const resource = resourceFromAttributes(RESOURCE);
  const spans = new InMemorySpanExporter();
  const tracer = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
  const t = tracer.getTracer('identity-test');
  const common = {
    'test.request': tag,
    'trading.decision.id': `${tag}-decision`,
    'trading.strategy.name': 'momentum',
    'trading.strategy.version': 'v1',
    'trading.symbol': 'SOL/USDC',
  };
  const decide = t.startSpan('decide SOL/USDC', {
    attributes: { ...common, 'trading.operation.name': 'decide', ...ownAt('span') },
  });
  decide.addEvent('trading.reward', { 'trading.reward.value': 1.5, ...ownAt('event') });
  decide.end();
  const order = t.startSpan('submit_order SOL/USDC', {
    kind: SpanKind.CLIENT,
    attributes: { ...common, 'trading.operation.name': 'submit_order', 'trading.order.id': `${tag}-order` },
  });
  order.addEvent('trading.order.fill', { 'trading.fill.price': 142.5, 'trading.fill.amount': 1 });
  order.end();
  t.startSpan('close_position SOL/USDC', {
    attributes: { ...common, 'trading.operation.name': 'close_position', 'trading.position.id': `${tag}-position` },
  }).end();
  t.startSpan('chat deepseek-chat', {
    attributes: { ...common, 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'deepseek-chat' },
  }).end();
  await tracer.forceFlush();
  const logs = new InMemoryLogRecordExporter();
  const logger = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logs })] });
  logger.getLogger('identity-test').emit({
    eventName: 'trading.reward',
    attributes: { ...common, 'trading.reward.value': 2, ...ownAt('log') },
  });
  await logger.forceFlush();
  const finishedSpans = spans.getFinishedSpans();
  const records = logs.getFinishedLogRecords();
  return {
    traces: {
      protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest(finishedSpans)!),
      json: Buffer.from(JsonTraceSerializer.serializeRequest(finishedSpans)!),
    },
    logs: {
      protobuf: Buffer.from(ProtobufLogsSerializer.serializeRequest(records)!),
      json: Buffer.from(JsonLogsSerializer.serializeRequest(records)!),
    },
  } satisfies Payload;
}

function post(url: string, body: Buffer, encoding: Encoding, token: string) {
  return new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json',
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Nothing but '' (an attribute map's answer for an absent key) dropped from a list of names. */
const present = (names: string) => `arrayFilter(v -> v != '', ${names})`;

/**
 * Every table that carries a service or bot id, with the expressions that name them: the telemetry tables'
 * resource and item attributes (absent keys dropped), the typed tables' columns as they are.
 */
const IDENTITY_COLUMNS: Record<string, { services: string; bots: string }> = {
  otel_traces: {
    services: present(
      "arrayConcat([ServiceName, SpanAttributes['service.name']], arrayMap(a -> a['service.name'], Events.Attributes))",
    ),
    bots: present(
      "arrayConcat([ResourceAttributes['trading.bot.id'], SpanAttributes['trading.bot.id']], arrayMap(a -> a['trading.bot.id'], Events.Attributes))",
    ),
  },
  otel_logs: {
    services: present("[ServiceName, LogAttributes['service.name']]"),
    bots: present("[ResourceAttributes['trading.bot.id'], LogAttributes['trading.bot.id']]"),
  },
  ...Object.fromEntries(
    ['trading_decisions', 'trading_orders', 'trading_fills', 'trading_positions', 'trading_rewards', 'llm_calls'].map(
      (table) => [table, { services: '[ServiceName]', bots: '[BotId]' }],
    ),
  ),
};

describe('a bound token on spans, span events and log records', () => {
  let dataPath: string;
  let collector: RunningCollector;

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-bound-token-'));
    collector = await startCollector(
      {
        port: 0,
        dataPath,
        authTokens: `${BOT_TOKEN}@bot:bot-7,${SERVICE_TOKEN}@service:svc-a,read:${READ}`,
      },
      { routes: QUERY_API_ROUTES },
    );
  });

  afterAll(async () => {
    await collector?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  const bindings = [
    { name: 'bot', token: BOT_TOKEN, key: 'trading.bot.id', own: 'bot-7', other: 'bot-8' },
    { name: 'service', token: SERVICE_TOKEN, key: 'service.name', own: 'svc-a', other: 'svc-b' },
  ] as const;
  const refusedTags: string[] = [];
  const acceptedTags: string[] = [];

  for (const binding of bindings) {
    for (const encoding of ['protobuf', 'json'] as const) {
      for (const place of ['span', 'event', 'log'] as const) {
        it(`refuses a ${binding.name}-bound token's ${encoding} request whose ${place} names another ${binding.name}, whole`, async () => {
          const tag = `refused-${binding.name}-${encoding}-${place}`;
          refusedTags.push(tag);
          const body = await payload(tag, { place, attributes: { [binding.key]: binding.other } });
          const signal = place === 'log' ? 'logs' : 'traces';
          const answer = await post(`${collector.url}/v1/${signal}`, body[signal][encoding], encoding, binding.token);
          expect(answer.status).toBe(403);
          const message = `this token may only write as ${binding.key}="${binding.own}", the request has ${binding.key}="${binding.other}"`;
          // google.rpc.Status: code 7 (PERMISSION_DENIED), in the request's encoding.
          if (encoding === 'json') expect(JSON.parse(answer.body.toString())).toEqual({ code: 7, message });
          else expect(answer.body.includes(Buffer.from(message))).toBe(true);
        });
      }

      it(`accepts a ${binding.name}-bound token's ${encoding} request naming its own ${binding.name} everywhere`, async () => {
        const tag = `accepted-${binding.name}-${encoding}`;
        acceptedTags.push(tag);
        const own = { [binding.key]: binding.own };
        const body = await payload(tag, { place: 'span', attributes: own });
        for (const signal of ['traces', 'logs'] as const)
          expect(
            (await post(`${collector.url}/v1/${signal}`, body[signal][encoding], encoding, binding.token)).status,
          ).toBe(200);
        const withEventAndLog = await payload(`${tag}-2`, { place: 'event', attributes: own });
        acceptedTags.push(`${tag}-2`);
        expect(
          (await post(`${collector.url}/v1/traces`, withEventAndLog.traces[encoding], encoding, binding.token)).status,
        ).toBe(200);
        const withLog = await payload(`${tag}-3`, { place: 'log', attributes: own });
        expect((await post(`${collector.url}/v1/logs`, withLog.logs[encoding], encoding, binding.token)).status).toBe(
          200,
        );
      });
    }
  }

  it('stored nothing of a refused request and names only the bound service and bot in every table and triplet', async () => {
    expect(await collector.drain(20_000)).toBe(true);
    const { client, table } = collector.storage;
    for (const [name, columns] of Object.entries(IDENTITY_COLUMNS)) {
      const result = await client.query({
        query: `SELECT count() AS n, groupUniqArrayArray(${columns.services}) AS services,
                       groupUniqArrayArray(${columns.bots}) AS bots
                FROM ${table(name)}`,
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ n: string; services: string[]; bots: string[] }>();
      expect({ name, stored: Number(row!.n) > 0 }).toEqual({ name, stored: true });
      expect({ name, services: row!.services }).toEqual({ name, services: ['svc-a'] });
      expect({ name, bots: row!.bots }).toEqual({ name, bots: ['bot-7'] });
    }
    const tags = await client.query({
      query: `SELECT groupUniqArray(SpanAttributes['test.request']) AS tags FROM ${table('otel_traces')}`,
      format: 'JSONEachRow',
    });
    const [stored] = await tags.json<{ tags: string[] }>();
    for (const tag of refusedTags) expect(stored!.tags).not.toContain(tag);
    for (const tag of acceptedTags) expect(stored!.tags).toContain(tag);

    const response = await fetch(`${collector.url}/api/v1/triplets`, { headers: { authorization: `Bearer ${READ}` } });
    const triplets = (await response.text())
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { decision_id: string; service_name: string; bot_id: string });
    expect(triplets.length).toBe(acceptedTags.length);
    expect(new Set(triplets.map((t) => `${t.service_name}/${t.bot_id}`))).toEqual(new Set(['svc-a/bot-7']));
  });
});
