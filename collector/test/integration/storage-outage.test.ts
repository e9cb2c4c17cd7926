import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from '../support/raw-http.ts';
import { traceRequestBodies } from '../support/otlp-request-bodies.ts';
import { startTestCollector, type TestCollector } from '../support/test-collector.ts';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const SPANS_PER_REQUEST = 40;

async function metric(t: TestCollector, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${t.collector.url}/metrics`)).text();
  const pattern = labels === '' ? `^${name} (\\S+)$` : `^${name}\\{${labels}\\} (\\S+)$`;
  return Number(new RegExp(pattern, 'm').exec(text)?.[1] ?? 0);
}

describe('ClickHouse outage, disk budget and poison batches', () => {
  let t: TestCollector;

  beforeAll(async () => {
    t = await startTestCollector({ spoolMaxBytes: 200_000 });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('reports not ready as soon as ClickHouse stops answering, even with nothing to insert', async () => {
    expect((await fetch(`${t.collector.url}/readyz`)).status).toBe(200);
    t.faults.inject({ kind: 'down' });
    const ready = await fetch(`${t.collector.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not ready', reason: 'ClickHouse does not answer' });
    t.faults.inject({ kind: 'none' });
    expect((await fetch(`${t.collector.url}/readyz`)).status).toBe(200);
  });

  it('keeps acknowledging into the spool while ClickHouse is down, answers 503 at the budget, and loses nothing when it returns', async () => {
    t.faults.inject({ kind: 'down' });
    let acknowledgedSpans = 0;
    let refusal: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 200 && !refusal; i += 1) {
      const response = await post(
        `${t.collector.url}/v1/traces`,
        (await traceRequestBodies({ service: 'outage', spans: SPANS_PER_REQUEST })).protobuf,
        PROTOBUF,
      );
      if (response.status === 200) acknowledgedSpans += SPANS_PER_REQUEST;
      else refusal = response;
    }
    expect(acknowledgedSpans).toBeGreaterThan(0);
    expect(refusal?.status).toBe(503);
    expect(Number(refusal?.headers['retry-after'])).toBeGreaterThan(0);
    expect(await t.count('otel_traces', 'outage')).toBe(0);
    const ready = await fetch(`${t.collector.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await metric(t, 'tradetrace_collector_spool_bytes')).toBeGreaterThan(100_000);

    t.faults.inject({ kind: 'none' });
    expect(await t.collector.drain(20_000)).toBe(true);
    expect(await t.count('otel_traces', 'outage')).toBe(acknowledgedSpans);
    expect(await t.duplicates('outage')).toBe(0);
    expect(await metric(t, 'tradetrace_collector_spool_bytes')).toBe(0);
    expect((await fetch(`${t.collector.url}/readyz`)).status).toBe(200);
  }, 60_000);

  it('recognises a client retry of an acknowledged request and stores it once', async () => {
    const body = (await traceRequestBodies({ service: 'retried', spans: 7 })).protobuf;
    const before = await metric(t, 'tradetrace_collector_dedup_hits_total', 'signal="traces"');
    expect((await post(`${t.collector.url}/v1/traces`, body, PROTOBUF)).status).toBe(200);
    expect((await post(`${t.collector.url}/v1/traces`, body, PROTOBUF)).status).toBe(200);
    expect(await t.collector.drain(10_000)).toBe(true);
    expect(await t.count('otel_traces', 'retried')).toBe(7);
    expect(await metric(t, 'tradetrace_collector_dedup_hits_total', 'signal="traces"')).toBe(before + 1);
  });

  it('moves a batch ClickHouse refuses for its content to the dead-letter folder with the reason, and goes on', async () => {
    t.faults.inject({
      kind: 'reject',
      when: (batch) => batch.signal === 'traces' && batch.rowBinary.includes('poison'),
    });
    const poison = (await traceRequestBodies({ service: 'poison', spans: 3 })).protobuf;
    expect((await post(`${t.collector.url}/v1/traces`, poison, PROTOBUF)).status).toBe(200);
    expect(
      (
        await post(
          `${t.collector.url}/v1/traces`,
          (
            await traceRequestBodies({ service: 'healthy', spans: 5 })
          ).protobuf,
          PROTOBUF,
        )
      ).status,
    ).toBe(200);
    expect(await t.collector.drain(10_000)).toBe(true);
    t.faults.inject({ kind: 'none' });

    expect(await t.count('otel_traces', 'healthy')).toBe(5);
    expect(await t.count('otel_traces', 'poison')).toBe(0);
    expect(await metric(t, 'tradetrace_collector_dead_letters_total', 'signal="traces"')).toBe(1);
    const folder = join(t.dataPath, 'dead-letter');
    const files = readdirSync(folder);
    const bodyFile = files.find((f) => f.endsWith('.pb'))!;
    expect(readFileSync(join(folder, bodyFile))).toEqual(poison);
    const reason = JSON.parse(readFileSync(join(folder, files.find((f) => f.endsWith('.reason.json'))!), 'utf8'));
    expect(reason).toMatchObject({
      signal: 'traces',
      contentType: 'application/x-protobuf',
      rowCount: 3,
      reason: expect.stringMatching(/refused as poison/),
    });
  });

  it('dead-letters a request the embedded engine itself refuses (a table constraint), and inserts those behind it', async () => {
    const { client, table } = t.collector.storage;
    await client.command({
      query: `ALTER TABLE ${table('otel_traces')} ADD CONSTRAINT no_engine_poison CHECK ServiceName != 'engine-poison'`,
    });
    try {
      const deadLettersBefore = await metric(t, 'tradetrace_collector_dead_letters_total', 'signal="traces"');
      // Held while ClickHouse is "down", so that the three requests go in as one batch, the refused one in the middle.
      t.faults.inject({ kind: 'down' });
      const send = async (service: string, spans: number) =>
        (await post(`${t.collector.url}/v1/traces`, (await traceRequestBodies({ service, spans })).protobuf, PROTOBUF))
          .status;
      expect(await send('before-engine-poison', 4)).toBe(200);
      expect(await send('engine-poison', 2)).toBe(200);
      expect(await send('after-engine-poison', 6)).toBe(200);
      t.faults.inject({ kind: 'none' });
      expect(await t.collector.drain(20_000)).toBe(true);

      expect(await t.count('otel_traces', 'before-engine-poison')).toBe(4);
      expect(await t.count('otel_traces', 'after-engine-poison')).toBe(6);
      expect(await t.count('otel_traces', 'engine-poison')).toBe(0);
      expect(await metric(t, 'tradetrace_collector_dead_letters_total', 'signal="traces"')).toBe(deadLettersBefore + 1);
      const folder = join(t.dataPath, 'dead-letter');
      const reasons = readdirSync(folder)
        .filter((f) => f.endsWith('.reason.json'))
        .map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')) as { rowCount: number; reason: string });
      expect(reasons.find((r) => /no_engine_poison/.test(r.reason))).toMatchObject({
        rowCount: 2,
        reason: expect.stringMatching(/^ClickHouse refused the rows: .*VIOLATED_CONSTRAINT/),
      });
    } finally {
      await client.command({ query: `ALTER TABLE ${table('otel_traces')} DROP CONSTRAINT no_engine_poison` });
    }
  });
});
