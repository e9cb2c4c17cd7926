import type { Storage } from '@tradetrace/storage';
import { Gauge, type Registry } from 'prom-client';

/** Samples the engine's memory in the background; `stop` before the storage closes. */
export interface EngineMemorySampler {
  stop(): Promise<void>;
}

/**
 * `tradetrace_collector_engine_memory_bytes`: the memory ClickHouse itself accounts for (system.metrics
 * MemoryTracking). For the embedded engine it lives in the collector's own process, so next to the process RSS and
 * the V8 heap it tells engine memory (inserts, merges, caches) from JavaScript memory.
 *
 * Sampled every `intervalMs` rather than read at each scrape: a scrape (or a health sample) must never wait for a
 * busy engine.
 */
export function sampleEngineMemory(registry: Registry, storage: Storage, intervalMs = 5_000): EngineMemorySampler {
  const gauge = new Gauge({
    name: 'tradetrace_collector_engine_memory_bytes',
    help: 'Memory tracked by the ClickHouse engine (system.metrics MemoryTracking, sampled every few seconds); in-process for the embedded engine',
    labelNames: ['engine'],
    registers: [registry],
  });
  let sampling: Promise<void> | undefined;
  const sample = async () => {
    try {
      const result = await storage.client.query({
        query: "SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'",
        format: 'JSONEachRow',
      });
      const [row] = (await result.json()) as { value: string }[];
      if (row) gauge.set({ engine: storage.kind }, Number(row.value));
    } catch {
      // An engine that does not answer leaves the last value; /readyz reports the outage.
    }
  };
  // A sample still waiting for a busy engine is not joined by another one.
  const start = () => {
    sampling ??= sample().finally(() => (sampling = undefined));
  };
  start();
  const timer = setInterval(start, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
    },
  };
}
