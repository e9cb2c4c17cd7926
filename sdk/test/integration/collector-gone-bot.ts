import { createServer } from 'node:net';
import { defineStrategy, init } from '@tradetrace/sdk';
import { z } from 'zod';

/**
 * A bot whose collector is gone: it records a decision of a version (so a registration is pending too), calls
 * shutdown, and prints what still keeps the process alive. The test checks that nothing does and that it exits.
 */
const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
await new Promise<void>((resolve) => server.close(() => resolve()));

const tt = init({
  serviceName: 'collector-gone-bot',
  endpoint: `http://127.0.0.1:${port}`,
  shutdownTimeoutMillis: 1500,
  scheduledDelayMillis: 10,
  logger: { warn() {}, error() {} },
});
const version = defineStrategy('gone', z.object({ size: z.number().default(1) })).version({});
await tt.runStrategy(version, () =>
  tt.decide({ symbol: 'BTC/USDT', kind: 'rule', mode: 'paper' }, () => ({ action: 'hold' })),
);
// Let the first export fail and its retry be scheduled, as in a bot that ran a while without its collector.
await new Promise((resolve) => setTimeout(resolve, 300));
await tt.shutdown();
process.stdout.write(`${JSON.stringify({ activeAfterShutdown: process.getActiveResourcesInfo() })}\n`);
