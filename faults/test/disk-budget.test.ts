import { afterAll, describe, expect, it } from 'vitest';
import { post } from '../../collector/test/support/raw-http.ts';
import { launchCollector } from '../src/collector-process.ts';
import { waitForEmptySpool } from '../src/collector-metrics-reader.ts';
import { faultsPlan } from '../src/faults-size.ts';
import { auditedCounts, recordScenario } from '../src/faults-report.ts';
import { scratchFolder } from '../src/scratch-folder.ts';
import { auditStoredSpans } from '../src/span-audit.ts';
import { SpanBatchBodies } from '../src/span-batch-bodies.ts';
import { expectExactlyOnce } from './support/expect-exactly-once.ts';

const plan = faultsPlan();
const { spoolMaxBytes } = plan.diskBudget;
const data = scratchFolder('disk-budget');
afterAll(() => data.remove());

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
/** Bounds the fill loop: the budget must be reached well before this many requests. */
const MAX_REQUESTS = 2_000;

describe('disk budget', () => {
  it('the spool at its budget answers 503 + Retry-After; nothing acknowledged is dropped', async () => {
    const started = performance.now();
    const collector = await launchCollector({
      dataPath: data.path,
      entry: 'fault-injecting',
      env: { TRADETRACE_SPOOL_MAX_BYTES: String(spoolMaxBytes) },
    });
    // ClickHouse refuses everything, so every acknowledged request stays in the spool until the budget is reached.
    await collector.setStorage('down');
    const bodies = new SpanBatchBodies(0, 'faults-disk-budget');
    const url = `${collector.url}/v1/traces`;
    let full: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < MAX_REQUESTS && !full; i += 1) {
      const batch = bodies.next(256);
      const response = await post(url, batch.body, PROTOBUF);
      bodies.record(batch, response.status);
      if (response.status !== 200) full = response;
    }
    // Still full: a second request is refused the same way, and /readyz says why.
    const again = bodies.next(256);
    const refusedAgain = await post(url, again.body, PROTOBUF);
    bodies.record(again, refusedAgain.status);
    const readyWhenFull = (await fetch(`${collector.url}/readyz`)).status;

    await collector.setStorage('up');
    const drained = await waitForEmptySpool(collector.url, 120_000);
    const afterDrain = bodies.next(256);
    const acceptedAfterDrain = await post(url, afterDrain.body, PROTOBUF);
    bodies.record(afterDrain, acceptedAfterDrain.status);
    const drainedAgain = await waitForEmptySpool(collector.url, 60_000);
    const exitCode = await collector.stop();
    const audit = await auditStoredSpans(data.path, [bodies.report]);
    recordScenario('diskBudget', {
      ...auditedCounts(plan.size, audit, collector.rss.maxMiB, started),
      spoolMaxBytes,
      requestsUntilFull: bodies.report.exports - 2,
      statuses: bodies.report.statuses,
      retryAfter: full?.headers['retry-after'] ?? null,
    });

    expect(full?.status, 'the budget is reached within the bounded loop and answered 503').toBe(503);
    expect(Number(full?.headers['retry-after'])).toBeGreaterThan(0);
    expect(refusedAgain.status).toBe(503);
    expect(refusedAgain.headers['retry-after']).toBeDefined();
    expect(readyWhenFull).toBe(503);
    expect(drained && drainedAgain).toBe(true);
    expect(acceptedAfterDrain.status, 'accepted again once the spool drained').toBe(200);
    expect(exitCode, collector.recentOutput()).toBe(0);
    expectExactlyOnce(audit);
    // A 503 means "not taken": none of the refused spans may show up later.
    expect(audit.unacknowledgedStored).toBe(0);
  });
});
