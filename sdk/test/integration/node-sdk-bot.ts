/**
 * A bot that already runs the OpenTelemetry Node SDK with HTTP auto-instrumentation (node-sdk-telemetry.ts, loaded
 * first with `--import`) and traces its decisions with tradetrace on that SDK's provider. Run as its own process by
 * node-sdk-app.test.ts: instrumentation-http patches `node:http` only for code loaded after it, which a vitest worker
 * cannot offer.
 *
 * Environment: TRADETRACE_TEST_EXCHANGE, a local HTTP server. Prints one JSON line: the decision id and the SDK's
 * stats after shutdown.
 */
import http from 'node:http';
import { trace } from '@opentelemetry/api';
import { sdk, tt } from './node-sdk-telemetry.ts';

const exchange = process.env.TRADETRACE_TEST_EXCHANGE!;

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

// An app span outside any decision: it reaches the collector too (every span of the provider does).
await fetch(`${exchange}/status`).then((r) => r.text());

const strategy = { name: 'momentum', version: 'abc123def456' };
let decisionId = '';
await tt.runStrategy(strategy, () =>
  tt.decide({ symbol: 'SOL/USDC:USDC', kind: 'rule', mode: 'paper', context: { rsi_14: 27 } }, async (d) => {
    decisionId = d.id;
    const ticker = JSON.parse(await fetch(`${exchange}/ticker`).then((r) => r.text())) as { last: number };
    const book = JSON.parse(await httpGet(`${exchange}/orderbook`)) as { bid: number };
    const own = tt.tracer.startSpan('size position');
    own.end();
    return { action: ticker.last > book.bid ? 'buy' : 'hold', confidence: 0.6 };
  }),
);
// A span of the app's own tracer inside no decision and no strategy.
trace.getTracer('app').startSpan('app housekeeping').end();

await tt.shutdown();
await sdk.shutdown();
process.stdout.write(`${JSON.stringify({ decisionId, stats: tt.stats() })}\n`);
