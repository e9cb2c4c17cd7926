import type { Storage } from '@tradetrace/storage';
import { Gauge, type Registry } from 'prom-client';

/**
 * `tradetrace_collector_engine_memory_bytes`: the memory ClickHouse itself accounts for (system.metrics
 * MemoryTracking), read at each scrape. For the embedded engine it lives in the collector's own process, so next
 * to the process RSS and the V8 heap it tells engine memory (inserts, merges, caches) from JavaScript memory.
 */
export function registerEngineMemoryGauge(registry: Registry, storage: Storage): Gauge {
  return new Gauge({
    name: 'tradetrace_collector_engine_memory_bytes',
    help: 'Memory tracked by the ClickHouse engine (system.metrics MemoryTracking); in-process for the embedded engine',
    labelNames: ['engine'],
    registers: [registry],
    async collect() {
      try {
        const result = await storage.client.query({ query: "SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'", format: 'JSONEachRow' });
        const [row] = (await result.json()) as { value: string }[];
        if (row) this.set({ engine: storage.kind }, Number(row.value));
      } catch {
        // An engine that does not answer leaves the last value: /metrics must still answer, and /readyz reports the outage.
      }
    },
  });
}
