/**
 * Runs a real collector in a process of its own, for crash tests: `node collector-process.ts '<config JSON>'`.
 * Logs JSON lines to stdout (the first with `url` says where it listens); SIGTERM shuts it down cleanly.
 */
import { pino } from 'pino';
import { startCollector } from '@tradetrace/collector';

const logger = pino({ name: 'collector-process' });
const collector = await startCollector(JSON.parse(process.argv[2] ?? '{}'), { logger });
logger.info({ url: collector.url }, 'listening');
process.once('SIGTERM', () => {
  collector.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'close failed');
      process.exit(1);
    },
  );
});
