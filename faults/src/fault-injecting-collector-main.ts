/**
 * The collector as a child process, with its real ClickHouse sink wrapped by the collector's fault-injecting sink
 * (collector/test/support): a line `down` on stdin makes every INSERT fail as if the database refused connections,
 * `up` heals it.
 * Everything else is the real collector (`startCollector`): the same spool, dedup and HTTP app. Settings come from
 * the collector's environment layer (TRADETRACE_*), plus --host/--port/--data like the CLI. Logs JSON lines on stdout.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { collectorConfigFromEnvironment, startCollector } from '@tradetrace/collector';
import { pino } from 'pino';
// A test double, not part of the collector's API: it lives in the collector's test support.
import {
  createFaultInjectingRowSink,
  type FaultInjectingRowSink,
} from '../../collector/test/support/fault-injecting-row-sink.ts';

const { values } = parseArgs({
  options: { host: { type: 'string' }, port: { type: 'string' }, data: { type: 'string' } },
});
const logger = pino({ name: 'tradetrace-collector-faults' });
let faults: FaultInjectingRowSink | undefined;
const collector = await startCollector(
  {
    ...collectorConfigFromEnvironment(process.env),
    host: values.host ?? '127.0.0.1',
    port: values.port ?? 0,
    dataPath: values.data ?? './data',
  },
  { logger, wrapSink: (sink) => (faults = createFaultInjectingRowSink(sink)) },
);
logger.info({ url: collector.url }, `collector listening on ${collector.url}`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const state = line.trim();
  if (state !== 'down' && state !== 'up') return;
  faults!.inject(state === 'down' ? { kind: 'down' } : { kind: 'none' });
  logger.info({ fault: true, storage: state }, `storage is now ${state}`);
});

process.once('SIGTERM', () => {
  collector.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
});
