import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '@tradetrace/collector';

const TELEMETRY = fileURLToPath(new URL('./node-sdk-telemetry.ts', import.meta.url));
const BOT = fileURLToPath(new URL('./node-sdk-bot.ts', import.meta.url));

interface StoredSpan {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  SpanName: string;
  ScopeName: string;
  ServiceName: string;
  SpanAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
}

describe('init({ useGlobalProvider }) inside an app running @opentelemetry/sdk-node', () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-node-sdk-'));
  let collector: RunningCollector;
  let exchange: Server;
  let spans: StoredSpan[];
  let bot: { decisionId: string; stats: { ended: number; exported: number; dropped: number } };

  beforeAll(async () => {
    collector = await startCollector({ port: 0, dataPath: join(root, 'data') });
    // The "exchange": a local HTTP server the bot calls with fetch (undici) and node:http inside its decision.
    exchange = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(request.url === '/orderbook' ? { bid: 141.9 } : { last: 142.5 }));
    });
    await new Promise<void>((resolve) => exchange.listen(0, '127.0.0.1', resolve));
    const { port } = exchange.address() as AddressInfo;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', TELEMETRY, BOT], {
      env: {
        ...process.env,
        TRADETRACE_TEST_COLLECTOR: collector.url,
        TRADETRACE_TEST_EXCHANGE: `http://127.0.0.1:${port}`,
      },
      timeout: 60_000,
    });
    bot = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(await collector.drain(30_000)).toBe(true);
    const result = await collector.storage.client.query({
      query: `SELECT TraceId, SpanId, ParentSpanId, SpanName, ScopeName, ServiceName, SpanAttributes, ResourceAttributes
        FROM ${collector.storage.table('otel_traces')} ORDER BY Timestamp`,
      format: 'JSONEachRow',
    });
    spans = await result.json<StoredSpan>();
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => exchange?.close(resolve));
    await collector?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const decision = () =>
    spans.find((s) => s.SpanAttributes['trading.decision.id'] === bot.decisionId && s.SpanName.startsWith('decide '))!;
  const childrenOf = (span: StoredSpan) => spans.filter((s) => s.ParentSpanId === span.SpanId);

  it('makes the auto-instrumented fetch and node:http calls inside a decision its children, stamped with it', () => {
    const parent = decision();
    expect(parent).toBeDefined();
    const children = childrenOf(parent);
    const undici = children.find((s) => s.ScopeName === '@opentelemetry/instrumentation-undici');
    const http = children.find((s) => s.ScopeName === '@opentelemetry/instrumentation-http');
    expect(undici?.SpanAttributes['url.full']).toMatch(/\/ticker$/);
    expect(http?.SpanAttributes['url.full'] ?? http?.SpanAttributes['http.url']).toMatch(/\/orderbook$/);
    const own = children.find((s) => s.SpanName === 'size position');
    expect(own).toBeDefined();
    for (const child of [undici!, http!, own!]) {
      expect(child.TraceId).toBe(parent.TraceId);
      expect(child.SpanAttributes['trading.decision.id']).toBe(bot.decisionId);
      expect(child.SpanAttributes['trading.strategy.name']).toBe('momentum');
      expect(child.SpanAttributes['trading.strategy.version']).toBe('abc123def456');
    }
  });

  it('exports every span once through one pipeline, and not its own export requests', () => {
    expect(new Set(spans.map((s) => s.SpanId)).size).toBe(spans.length);
    expect(bot.stats.exported).toBe(spans.length);
    expect(bot.stats.dropped).toBe(0);
    const urls = spans.map((s) => s.SpanAttributes['url.full'] ?? s.SpanAttributes['http.url'] ?? '');
    expect(urls.filter((url) => url.includes('/v1/traces'))).toEqual([]);
  });

  it("sends the app's spans outside any decision too, under the bot's identity merged into the app's resource", () => {
    const status = spans.find((s) => (s.SpanAttributes['url.full'] ?? '').endsWith('/status'));
    expect(status?.ParentSpanId).toBe('');
    expect(status?.SpanAttributes['trading.decision.id']).toBeUndefined();
    expect(spans.find((s) => s.SpanName === 'app housekeeping')).toBeDefined();
    for (const span of spans) {
      expect(span.ServiceName).toBe('sol-bot');
      expect(span.ResourceAttributes['trading.bot.id']).toBe('bot-7');
      expect(span.ResourceAttributes['app.team']).toBe('desk-3');
    }
  });
});
