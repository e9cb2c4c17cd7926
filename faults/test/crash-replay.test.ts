import { afterAll, describe, expect, it } from 'vitest';
import { launchCollector, type CollectorProcess } from '../src/collector-process.ts';
import { waitForEmptySpool } from '../src/collector-metrics-reader.ts';
import { startExporterClients, statusTotals } from '../src/exporter-client.ts';
import { faultsPlan } from '../src/faults-size.ts';
import { auditedCounts, recordScenario } from '../src/faults-report.ts';
import { scratchFolder } from '../src/scratch-folder.ts';
import { sleep } from '../src/sleep.ts';
import { auditStoredSpans } from '../src/span-audit.ts';
import { expectExactlyOnce } from './support/expect-exactly-once.ts';

const plan = faultsPlan();
const { clients, kills, minUpMs, maxUpMs } = plan.crash;
const data = scratchFolder('crash');
afterAll(() => data.remove());

describe('crash', () => {
  it(`kill -9 at ${kills} random moments under load, restart, replay: acknowledged = stored, exactly once`, async () => {
    const started = performance.now();
    let collector: CollectorProcess = await launchCollector({ dataPath: data.path });
    const { port, url } = collector;
    // Long enough for every kill and restart; the clients are stopped once the last restart has served a while.
    const load = startExporterClients({
      url,
      clients,
      serviceName: 'faults-crash',
      batchSize: 512,
      durationMs: 30 * 60_000,
    });
    const upTimesMs: number[] = [];
    const restartMs: number[] = [];
    await load.started;
    let maxRssMb = 0;
    for (let kill = 0; kill < kills; kill += 1) {
      const upMs = Math.round(minUpMs + Math.random() * (maxUpMs - minUpMs));
      upTimesMs.push(upMs);
      await sleep(upMs);
      await collector.kill9();
      maxRssMb = Math.max(maxRssMb, collector.rss.maxMiB);
      const restartStarted = performance.now();
      // Same port, so the exporters' retries (refused connections are retryable) reach the new process.
      collector = await launchCollector({ dataPath: data.path, port });
      restartMs.push(Math.round(performance.now() - restartStarted));
    }
    await sleep(maxUpMs);
    const reports = await load.stop();
    const drained = await waitForEmptySpool(url, 180_000);
    const exitCode = await collector.stop();
    maxRssMb = Math.max(maxRssMb, collector.rss.maxMiB);
    const audit = await auditStoredSpans(data.path, reports);
    recordScenario('crash', {
      ...auditedCounts(plan.size, audit, maxRssMb, started),
      kills,
      upTimesMs,
      restartMs,
      statuses: statusTotals(reports),
      failedExports: reports.reduce((n, r) => n + r.failedExports, 0),
      acknowledgedMissing: audit.acknowledgedMissing,
      unacknowledgedStored: audit.unacknowledgedStored,
    });

    expect(drained, 'the last process drains the replayed spool').toBe(true);
    expect(exitCode, collector.recentOutput()).toBe(0);
    expectExactlyOnce(audit);
  });
});
