import fc from 'fast-check';
import { openStorage } from '@tradetrace/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { post } from '../../collector/test/support/raw-http.ts';
import { launchCollector } from '../src/collector-process.ts';
import { readMetric, waitForEmptySpool } from '../src/collector-metrics-reader.ts';
import { faultsPlan } from '../src/faults-size.ts';
import { recordScenario, round } from '../src/faults-report.ts';
import { residentMiB } from '../src/rss-sampler.ts';
import { hostileRequests, type HostileRequest } from '../src/hostile-bodies.ts';
import { scratchFolder } from '../src/scratch-folder.ts';
import { auditStoredSpans } from '../src/span-audit.ts';
import { SpanBatchBodies } from '../src/span-batch-bodies.ts';

const plan = faultsPlan();
const data = scratchFolder('hostile');
afterAll(() => data.remove());

// Smaller limits than the defaults keep 10,000 requests within minutes; the limits are what is under test, not their size.
const BODY_LIMIT_BYTES = 256 * 1024;
// The JSON container limit follows it (one per 10 bytes, 26,214): above the deepest generated nesting (20,001, which must
// reach the decoder's depth bound), below the JSON tiny-item floods (43,000-83,000 empty objects, refused unparsed).
const MAX_ATTRIBUTE_VALUE_LENGTH = 8 * 1024;
const QUARTERS = 4;
const IN_FLIGHT = 20;
const VALID_SERVICE = 'faults-hostile-valid';
const ALLOWED = new Set([200, 400, 413, 415]);
// The collector's default maxNameLength: huge generated span names must be stored cut to it.
const MAX_NAME_LENGTH = 1024;
const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 2 ** 31);

describe('hostile input', () => {
  it(`${plan.hostile.bodies} generated bad bodies get only 400/413/415 or 200 (partial success); memory stays bounded; a valid request after is stored`, async () => {
    const started = performance.now();
    const collector = await launchCollector({
      dataPath: data.path,
      env: {
        TRADETRACE_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
        TRADETRACE_MAX_ATTRIBUTE_VALUE_LENGTH: String(MAX_ATTRIBUTE_VALUE_LENGTH),
      },
    });
    const url = collector.url;
    // Seeds for mutation come from client 0; the valid request at the end is client 1's, so mutants cannot pass for it.
    const seedBodies = new SpanBatchBodies(0, 'faults-hostile');
    const seeds = {
      protobufBodies: [1, 16, 256].map((n) => seedBodies.next(n).body),
      jsonBody: seedBodies.next(16, 'json').body,
      bodyLimitBytes: BODY_LIMIT_BYTES,
    };
    // Warm up with valid traffic, so the memory baseline includes the engine's own working set.
    for (const body of seeds.protobufBodies)
      expect((await post(`${url}/v1/traces`, body, { 'content-type': 'application/x-protobuf' })).status).toBe(200);
    expect(await waitForEmptySpool(url, 60_000)).toBe(true);
    const warmRssMb = collector.rss.mark();
    const engineMb = () =>
      readMetric(url, 'tradetrace_collector_engine_memory_bytes').then((bytes) => round(bytes / 2 ** 20));
    // RSS outside V8's heap at this moment: V8 collects when it chooses, so the heap's share of a peak swings by tens
    // of MB from one quarter to the next (measured: used heap 48 -> 106 MB while the rest grew 17 MB).
    const outsideHeapMb = async () => {
      const heapBytes = await readMetric(url, 'tradetrace_collector_nodejs_heap_size_total_bytes');
      return round(residentMiB(collector.pid)! - heapBytes / 2 ** 20);
    };
    const warmOutsideHeapMb = await outsideHeapMb();
    const warmEngineMb = await engineMb();

    const statusesByKind: Record<string, Record<string, number>> = {};
    let closedOverLimit = 0;
    let sent = 0;
    // Peak RSS per quarter of the run: bounded memory shows no upward trend with the number of requests.
    const quarterRssMb: number[] = [];
    // The collector's V8 heap at the same moments, to tell a JavaScript leak from native (engine) growth.
    const quarterHeapMb: Promise<number>[] = [];
    const quarterOutsideHeapMbPending: Promise<number>[] = [];
    const heapMb = () =>
      readMetric(url, 'tradetrace_collector_nodejs_heap_size_used_bytes').then((bytes) => round(bytes / 2 ** 20));
    // And the memory the embedded engine accounts for itself (inserts, merges, caches): native, inside the same RSS.
    const quarterEngineMbPending: Promise<number>[] = [];
    const quarterSize = Math.ceil(plan.hostile.bodies / QUARTERS);
    const send = async (request: HostileRequest) => {
      sent += 1;
      if (sent % quarterSize === 0) {
        quarterRssMb.push(round(collector.rss.mark()));
        quarterHeapMb.push(heapMb());
        quarterOutsideHeapMbPending.push(outsideHeapMb());
        quarterEngineMbPending.push(engineMb());
      }
      let status: string;
      try {
        const response = await post(`${url}${request.path}`, request.body, request.headers);
        status = String(response.status);
        if (response.status === 200 && request.headers['content-type'] === 'application/json')
          JSON.parse(response.body.toString('utf8'));
        expect(
          ALLOWED.has(response.status),
          `${request.kind} → ${response.status}: ${response.body.toString('utf8').slice(0, 300)}`,
        ).toBe(true);
      } catch (error) {
        // Past the limit the collector answers 413 and closes the connection without reading the rest: writing
        // the rest may then fail on our side. That is the limit working; anything else is a failure.
        const code = (error as { code?: string }).code;
        if (request.body.length <= BODY_LIMIT_BYTES || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw error;
        status = 'closed over limit';
        closedOverLimit += 1;
      }
      const byKind = (statusesByKind[request.kind] ??= {});
      byKind[status] = (byKind[status] ?? 0) + 1;
    };
    // Each run sends a few bodies at once, as concurrent clients would (and so 10,000 fit in minutes).
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostileRequests(seeds), { minLength: IN_FLIGHT, maxLength: IN_FLIGHT }),
        async (requests) => {
          await Promise.all(requests.map(send));
        },
      ),
      { numRuns: Math.ceil(plan.hostile.bodies / IN_FLIGHT), seed: SEED, endOnFailure: true },
    );
    if (quarterRssMb.length < QUARTERS) {
      quarterRssMb.push(round(collector.rss.mark()));
      quarterHeapMb.push(heapMb());
      quarterOutsideHeapMbPending.push(outsideHeapMb());
      quarterEngineMbPending.push(engineMb());
    }
    const quarterHeapUsedMb = await Promise.all(quarterHeapMb);
    const quarterOutsideHeapMb = await Promise.all(quarterOutsideHeapMbPending);
    const quarterEngineMb = await Promise.all(quarterEngineMbPending);
    const hostileRssMb = Math.max(...quarterRssMb);
    const aliveAfter = (await fetch(`${url}/healthz`)).status;

    const valid = new SpanBatchBodies(1, VALID_SERVICE);
    const validBatch = valid.next(100);
    const validResponse = await post(`${url}/v1/traces`, validBatch.body, { 'content-type': 'application/x-protobuf' });
    valid.record(validBatch, validResponse.status);
    const drained = await waitForEmptySpool(url, 60_000);
    const exitCode = await collector.stop();

    // Only the valid service's rows: a bit-flipped seed body can turn a span id into one of client 1's.
    const audit = await auditStoredSpans(data.path, [valid.report], VALID_SERVICE);
    const storage = await openStorage({ dataPath: data.path, database: 'otel' });
    let stored: { garbage: number; hostile: number; longNames: number; validNamed: number; validWithAttribute: number };
    try {
      const result = await storage.client.query({
        query: `SELECT
            countIf(NOT match(TraceId, '^[0-9a-f]{32}$') OR TraceId = repeat('0', 32) OR NOT match(SpanId, '^[0-9a-f]{16}$') OR SpanId = repeat('0', 16)) AS garbage,
            countIf(ServiceName != {valid:String}) AS hostile,
            countIf(length(SpanName) > {maxName:UInt32} OR length(ServiceName) > {maxName:UInt32}) AS longNames,
            countIf(ServiceName = {valid:String} AND SpanName LIKE 'decide %') AS validNamed,
            countIf(ServiceName = {valid:String} AND SpanAttributes['trading.decision.id'] LIKE 'd-%') AS validWithAttribute
          FROM ${storage.table('otel_traces')}`,
        query_params: { valid: VALID_SERVICE, maxName: MAX_NAME_LENGTH },
        format: 'JSONEachRow',
      });
      const [row] = (await result.json()) as Record<
        'garbage' | 'hostile' | 'longNames' | 'validNamed' | 'validWithAttribute',
        string
      >[];
      stored = {
        garbage: Number(row!.garbage),
        hostile: Number(row!.hostile),
        longNames: Number(row!.longNames),
        validNamed: Number(row!.validNamed),
        validWithAttribute: Number(row!.validWithAttribute),
      };
    } finally {
      await storage.close();
    }
    recordScenario('hostileInput', {
      size: plan.size,
      sent,
      acknowledged: audit.acknowledged,
      stored: audit.storedRows,
      // Mutants of the seed bodies legitimately repeat span ids (as the hostile service); the valid service's must not.
      duplicates: audit.duplicates,
      storedHostileRows: stored.hostile,
      maxRssMb: round(collector.rss.maxMiB),
      durationS: round((performance.now() - started) / 1000),
      seed: SEED,
      warmRssMb: round(warmRssMb),
      hostileRssMb: round(hostileRssMb),
      quarterRssMb,
      quarterHeapUsedMb,
      warmOutsideHeapMb,
      quarterOutsideHeapMb,
      warmEngineMb,
      quarterEngineMb,
      bodyLimitBytes: BODY_LIMIT_BYTES,
      closedOverLimit,
      statusesByKind,
      garbageRows: stored.garbage,
      namesOverLimit: stored.longNames,
    });

    expect(sent).toBe(plan.hostile.bodies);
    expect(aliveAfter, 'the collector survived').toBe(200);
    // Bounded: outside V8's heap, the process grows to a working set (engine merges, allocator arenas) in the first
    // half, then levels off; a native leak or unbounded buffering grows with the request count, so the second half
    // would add about as much as the first. Measured (full size, four runs): warm 300-315 MB, quarters e.g.
    // 386/409/429/443 and 374/413/423/415 MB; 32 MB covers one moment's sample catching a merge in progress (the
    // engine's own share swung 29-60 MB between quarters).
    const [, secondQuarterOutsideHeapMb] = quarterOutsideHeapMb;
    expect(
      quarterOutsideHeapMb.at(-1)! - secondQuarterOutsideHeapMb!,
      `RSS outside the V8 heap ${quarterOutsideHeapMb.join(' / ')} MB after warm ${warmOutsideHeapMb} MB (RSS peaks ${quarterRssMb.join(' / ')})`,
    ).toBeLessThan(0.25 * (secondQuarterOutsideHeapMb! - warmOutsideHeapMb) + 32);
    // The V8 heap, garbage not yet collected included, stays under a fixed bound (observed 42-124 MB at the quarters).
    expect(Math.max(...quarterHeapUsedMb), `V8 heap used ${quarterHeapUsedMb.join(' / ')} MB`).toBeLessThan(256);
    // And below what one fully inflated 512 MiB gzip bomb would add to the warm process.
    expect(hostileRssMb).toBeLessThan(warmRssMb + 512);
    expect(validResponse.status).toBe(200);
    expect(drained).toBe(true);
    expect(exitCode, collector.recentOutput()).toBe(0);
    expect(audit.acknowledgedStoredOnce).toBe(100);
    expect(audit.storedRows, 'the valid service holds exactly the valid request').toBe(100);
    expect(stored.validNamed).toBe(100);
    expect(stored.validWithAttribute).toBe(100);
    expect(stored.garbage, 'no row with an invalid or zero id').toBe(0);
    expect(stored.longNames, 'span and service names cut at the collector limit').toBe(0);
  });
});
