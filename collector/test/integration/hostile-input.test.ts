import fc from 'fast-check';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate, mutationArbitrary } from '../support/body-mutations.ts';
import { logsRequestBodies, traceRequestBodies } from '../support/otlp-request-bodies.ts';
import { post } from '../support/raw-http.ts';
import { startTestCollector, type TestCollector } from '../support/test-collector.ts';

const TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' } as const;

describe('hostile input over HTTP', () => {
  let t: TestCollector;

  beforeAll(async () => {
    t = await startTestCollector({ bodyLimitBytes: 64 * 1024 });
  });

  afterAll(async () => {
    await t?.stop();
  });

  for (const signal of ['traces', 'logs'] as const) {
    for (const encoding of ['protobuf', 'json'] as const) {
      it(`answers only 200/400/413 to random and mutated ${signal} ${encoding} bodies, and stores no malformed row`, async () => {
        const valid = (
          signal === 'traces'
            ? await traceRequestBodies({ service: 'hostile', spans: 4 })
            : await logsRequestBodies({ service: 'hostile', records: 4 })
        )[encoding];
        const body = fc.oneof(
          fc.uint8Array({ maxLength: 2_048 }).map((bytes) => Buffer.from(bytes)),
          fc.array(mutationArbitrary, { minLength: 1, maxLength: 5 }).map((mutations) => mutate(valid, mutations)),
        );
        await fc.assert(
          fc.asyncProperty(body, async (bytes) => {
            const response = await post(`${t.collector.url}/v1/${signal}`, bytes, { 'content-type': TYPES[encoding] });
            expect([200, 400, 413]).toContain(response.status);
          }),
          { numRuns: 150 },
        );
      }, 60_000);
    }
  }

  it('stays healthy, stores no malformed row, and stores the next valid request exactly', async () => {
    expect(await t.collector.drain(10_000)).toBe(true);
    const malformed = await t.collector.storage.client.query({
      query: `SELECT
        (SELECT count() FROM ${t.collector.storage.table('otel_traces')} WHERE NOT match(TraceId, '^[0-9a-f]{32}$') OR NOT match(SpanId, '^[0-9a-f]{16}$')) AS spans,
        (SELECT count() FROM ${t.collector.storage.table('otel_logs')} WHERE TraceId != '' AND NOT match(TraceId, '^[0-9a-f]{32}$')) AS logs`,
      format: 'JSONEachRow',
    });
    expect(await malformed.json()).toEqual([{ spans: '0', logs: '0' }]);
    const deadLetters = join(t.dataPath, 'dead-letter');
    expect(existsSync(deadLetters) ? readdirSync(deadLetters) : []).toEqual([]);
    expect((await fetch(`${t.collector.url}/healthz`)).status).toBe(200);
    const response = await post(
      `${t.collector.url}/v1/traces`,
      (await traceRequestBodies({ service: 'after-fuzz', spans: 9 })).protobuf,
      { 'content-type': TYPES.protobuf },
    );
    expect(response.status).toBe(200);
    expect(await t.collector.drain(5_000)).toBe(true);
    expect(await t.count('otel_traces', 'after-fuzz')).toBe(9);
  });
});
