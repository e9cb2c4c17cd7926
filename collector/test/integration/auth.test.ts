import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { post } from '../support/raw-http.ts';
import { traceRequestBodies } from '../support/otlp-request-bodies.ts';
import { startTestCollector, type TestCollector } from '../support/test-collector.ts';

const INGEST = 'ingest-token-0123456789';
const READ = 'read-token-0123456789ab';
const BOUND = 'bound-token-0123456789';

describe('bearer-token auth', () => {
  let t: TestCollector;
  let traces: string;

  beforeAll(async () => {
    t = await startTestCollector(
      { authTokens: `${INGEST},read:${READ},${BOUND}@service:bot-a` },
      { routes: [(app) => void app.get('/api/v1/echo', async () => ({ ok: true }))] },
    );
    traces = `${t.collector.url}/v1/traces`;
  });

  afterAll(async () => {
    await t?.stop();
  });

  const send = async (service: string, token?: string) =>
    post(traces, (await traceRequestBodies({ service, spans: 2 })).protobuf, {
      'content-type': 'application/x-protobuf',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    });

  it('refuses ingest without a token, with a wrong one, or with a read token, and stores nothing', async () => {
    const missing = await send('intruder');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect((await send('intruder', 'not-the-token-0123456789')).status).toBe(401);
    expect((await send('intruder', READ)).status).toBe(403);
    expect(await t.count('otel_traces', 'intruder')).toBe(0);
  });

  it('accepts an ingest token, also from the real OTel exporter with headers', async () => {
    expect((await send('allowed', INGEST)).status).toBe(200);
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'allowed-exporter' }),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({ url: traces, headers: { authorization: `Bearer ${INGEST}` } }),
          scheduledDelayMillis: 10,
        }),
      ],
    });
    provider.getTracer('t').startSpan('one').end();
    await provider.shutdown();
    expect(await t.collector.drain(5_000)).toBe(true);
    expect(await t.count('otel_traces', 'allowed')).toBe(2);
    expect(await t.count('otel_traces', 'allowed-exporter')).toBe(1);
  });

  it('lets a bound token write as its own service only', async () => {
    expect((await send('bot-a', BOUND)).status).toBe(200);
    const impostor = await send('bot-b', BOUND);
    expect(impostor.status).toBe(403);
    expect(impostor.body.toString()).toMatch(/may only write as service.name="bot-a"/);
    expect(await t.collector.drain(5_000)).toBe(true);
    expect(await t.count('otel_traces', 'bot-a')).toBe(2);
    expect(await t.count('otel_traces', 'bot-b')).toBe(0);
  });

  it('asks a read token for the query API and /metrics, none for /healthz and /readyz', async () => {
    expect((await fetch(`${t.collector.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.collector.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${t.collector.url}/api/v1/echo`)).status).toBe(401);
    expect(
      (await fetch(`${t.collector.url}/api/v1/echo`, { headers: { authorization: `Bearer ${INGEST}` } })).status,
    ).toBe(403);
    expect(
      (await fetch(`${t.collector.url}/api/v1/echo`, { headers: { authorization: `Bearer ${READ}` } })).status,
    ).toBe(200);
    expect((await fetch(`${t.collector.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${t.collector.url}/metrics`, { headers: { authorization: `Bearer ${READ}` } })).status).toBe(
      200,
    );
  });
});
