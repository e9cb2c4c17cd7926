import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { QUERY_API_ROUTES } from '../../src/query-api/query-api-routes.ts';

/** 2^53 + 1, and a start time 123 ns past a second: neither survives a trip through a JavaScript number. */
const BIG = '9007199254740993';
const START = '1767225600000000123';

describe('integers beyond 2^53 from OTLP/JSON numbers to the query API', () => {
  let dataPath: string;
  let collector: RunningCollector;

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-exact-'));
    collector = await startCollector({ port: 0, dataPath }, { routes: QUERY_API_ROUTES });
  });

  afterAll(async () => {
    await collector?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  it('stores and serves them exactly', async () => {
    const attribute = (key: string, value: string) => `{"key":"${key}","value":${value}}`;
    const body = `{"resourceSpans":[{"resource":{"attributes":[${attribute('service.name', '{"stringValue":"exact-bot"}')}]},
      "scopeSpans":[{"spans":[{"traceId":"${'ab'.repeat(16)}","spanId":"${'cd'.repeat(8)}","name":"decide",
        "startTimeUnixNano":${START},"endTimeUnixNano":${BigInt(START) + 1000n},
        "attributes":[${attribute('trading.operation.name', '{"stringValue":"decide"}')},
          ${attribute('trading.decision.id', '{"stringValue":"exact"}')},
          ${attribute('trading.context.volume', `{"intValue":${BIG}}`)}]}]}]}]}`;
    const answer = await fetch(`${collector.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(200);
    expect(await collector.drain(10_000)).toBe(true);

    const stored = await collector.storage.client.query({
      query: `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS start, SpanAttributes['trading.context.volume'] AS volume
              FROM ${collector.storage.table('otel_traces')}`,
      format: 'JSONEachRow',
    });
    expect(await stored.json()).toEqual([{ start: START, volume: BIG }]);

    const text = await (await fetch(`${collector.url}/api/v1/triplets`)).text();
    expect(text).toContain(`"timestamp":"2026-01-01T00:00:00.000000123Z"`);
    expect(text).toContain(`"volume":${BIG}`);
  });
});
