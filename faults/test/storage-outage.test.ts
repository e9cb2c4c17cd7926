import { afterAll, describe, expect, it } from 'vitest';
import { launchCollector } from '../src/collector-process.ts';
import { waitForEmptySpool } from '../src/collector-metrics-reader.ts';
import { startExporterClients, statusTotals } from '../src/exporter-client.ts';
import { faultsPlan } from '../src/faults-size.ts';
import { auditedCounts, recordScenario, round } from '../src/faults-report.ts';
import { scratchFolder } from '../src/scratch-folder.ts';
import { sleep } from '../src/sleep.ts';
import { auditStoredSpans } from '../src/span-audit.ts';
import { spoolBytesOnDisk } from '../src/spool-on-disk.ts';
import { expectExactlyOnce } from './support/expect-exactly-once.ts';

const plan = faultsPlan();
const { clients, beforeMs, outageMs, afterMs, spoolMaxBytes } = plan.outage;
const data = scratchFolder('outage');
afterAll(() => data.remove());

const readyStatus = async (url: string) => (await fetch(`${url}/readyz`)).status;

describe('storage outage', () => {
  it(`the writer fails for ${outageMs / 1000} s mid-load: nothing lost, no duplicates, spool drained, clients get 429/503`, async () => {
    const started = performance.now();
    // A spool budget the outage fills, so the collector has to push back instead of holding the load in memory.
    const collector = await launchCollector({
      dataPath: data.path,
      entry: 'fault-injecting',
      env: { TRADETRACE_SPOOL_MAX_BYTES: String(spoolMaxBytes) },
    });
    const load = startExporterClients({
      url: collector.url,
      clients,
      serviceName: 'faults-outage',
      batchSize: 512,
      durationMs: beforeMs + outageMs + afterMs,
    });
    await load.started;
    await sleep(beforeMs);
    const steadyRssMb = collector.rss.mark();
    await collector.setStorage('down');
    await sleep(outageMs);
    const readyDuringOutage = await readyStatus(collector.url);
    const outageRssMb = collector.rss.mark();
    await collector.setStorage('up');
    const reports = await load.finished();
    const drained = await waitForEmptySpool(collector.url, 180_000);
    const readyAfter = await readyStatus(collector.url);
    const recoveryRssMb = collector.rss.mark();
    const exitCode = await collector.stop();
    const spoolLeft = spoolBytesOnDisk(data.path);
    const audit = await auditStoredSpans(data.path, reports);
    const statuses = statusTotals(reports);
    const pushedBack = (statuses['429'] ?? 0) + (statuses['503'] ?? 0);
    recordScenario('storageOutage', {
      ...auditedCounts(plan.size, audit, collector.rss.maxMiB, started),
      outageS: outageMs / 1000,
      steadyRssMb: round(steadyRssMb),
      outageRssMb: round(outageRssMb),
      recoveryRssMb: round(recoveryRssMb),
      spoolMaxBytes,
      statuses,
      acknowledgedMissing: audit.acknowledgedMissing,
      unacknowledgedStored: audit.unacknowledgedStored,
      readyDuringOutage,
      readyAfter,
    });

    expect(exitCode, collector.recentOutput()).toBe(0);
    expect(drained, 'the spool drains once the writer is back').toBe(true);
    expect(spoolLeft, 'no spool segment left on disk').toBe(0);
    expect(readyDuringOutage, '/readyz says not ready while ClickHouse refuses rows').toBe(503);
    expect(readyAfter).toBe(200);
    expect(pushedBack, 'clients were pushed back with 429/503').toBeGreaterThan(0);
    // Memory stays bounded: the spool (disk) takes the backlog, so the outage must not add more than the spool budget
    // to the collector's peak; holding 30 s of load in memory would add far more.
    expect(outageRssMb).toBeLessThan(steadyRssMb + spoolMaxBytes / 2 ** 20 + 256);
    expectExactlyOnce(audit);
  });
});
