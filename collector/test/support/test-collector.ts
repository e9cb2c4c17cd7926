import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startCollector,
  type CollectorConfig,
  type RunningCollector,
  type StartCollectorOptions,
} from '@tradetrace/collector';
import { createFaultInjectingRowSink, type FaultInjectingRowSink } from './fault-injecting-row-sink.ts';

/** A collector on loopback over the real embedded engine in a fresh folder, its real sink wrapped for fault injection. */
export interface TestCollector {
  collector: RunningCollector;
  dataPath: string;
  faults: FaultInjectingRowSink;
  /** Rows in a table, optionally for one service. */
  count(table: 'otel_traces' | 'otel_logs', service?: string): Promise<number>;
  /** Rows whose SpanId (or log record) appears more than once, for one service. */
  duplicates(service: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startTestCollector(
  config: Partial<CollectorConfig> = {},
  options: StartCollectorOptions = {},
): Promise<TestCollector> {
  const dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-collector-'));
  let faults: FaultInjectingRowSink | undefined;
  const collector = await startCollector(
    { port: 0, dataPath, shutdownTimeoutMs: 2_000, ...config },
    { ...options, wrapSink: (sink) => (faults = createFaultInjectingRowSink(sink)) },
  );
  const scalar = async (query: string, service?: string): Promise<number> => {
    const result = await collector.storage.client.query({
      query,
      query_params: service === undefined ? {} : { service },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ n: string | number }>();
    return Number(rows[0]?.n ?? 0);
  };
  return {
    collector,
    dataPath,
    faults: faults!,
    count: (table, service) =>
      scalar(
        `SELECT count() AS n FROM ${collector.storage.table(table)}${service === undefined ? '' : ' WHERE ServiceName = {service:String}'}`,
        service,
      ),
    duplicates: (service) =>
      scalar(
        `SELECT count() - uniqExact(SpanId) AS n FROM ${collector.storage.table('otel_traces')} WHERE ServiceName = {service:String}`,
        service,
      ),
    async stop() {
      await collector.close();
      rmSync(dataPath, { recursive: true, force: true });
    },
  };
}
