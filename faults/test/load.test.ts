import { afterAll, describe, expect, it } from 'vitest';
import { launchCollector } from '../src/collector-process.ts';
import { waitForEmptySpool } from '../src/collector-metrics-reader.ts';
import { startExporterClients, statusTotals } from '../src/exporter-client.ts';
import { faultsPlan } from '../src/faults-size.ts';
import { auditedCounts, recordScenario } from '../src/faults-report.ts';
import { scratchFolder } from '../src/scratch-folder.ts';
import { auditStoredSpans } from '../src/span-audit.ts';
import { expectExactlyOnce } from './support/expect-exactly-once.ts';

const plan = faultsPlan();
const data = scratchFolder('load');
afterAll(() => data.remove());

describe('load', () => {
  it(`${plan.load.clients} OTel exporters for ${plan.load.durationMs / 1000} s: every acknowledged span is stored exactly once`, async () => {
    const started = performance.now();
    const collector = await launchCollector({ dataPath: data.path });
    const clients = startExporterClients({
      url: collector.url,
      clients: plan.load.clients,
      serviceName: 'faults-load',
      batchSize: 512,
      durationMs: plan.load.durationMs,
    });
    await clients.started;
    const loadStarted = performance.now();
    const reports = await clients.finished();
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const drained = await waitForEmptySpool(collector.url, 120_000);
    const exitCode = await collector.stop();
    const audit = await auditStoredSpans(data.path, reports);
    recordScenario('load', {
      ...auditedCounts(plan.size, audit, collector.rss.maxMiB, started),
      clients: plan.load.clients,
      acknowledgedSpansPerS: Math.round(audit.acknowledged / loadSeconds),
      acknowledgedMissing: audit.acknowledgedMissing,
      unacknowledgedStored: audit.unacknowledgedStored,
      statuses: statusTotals(reports),
    });

    expect(drained, 'the spool drains after the load').toBe(true);
    expect(exitCode, `SIGTERM exits 0:\n${collector.recentOutput()}`).toBe(0);
    expectExactlyOnce(audit);
  });
});
