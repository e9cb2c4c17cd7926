import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, runMigrations, SPAN_ROW_LAYOUT, type SpanRow, type Storage } from '@tradetrace/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClickHouseRowSink,
  createCollectorMetrics,
  decodeOtlpBody,
  DurableIngest,
  WriteAheadSpool,
  type DurableIngestOptions,
  type IngestLimits,
  type RowSink,
} from '@tradetrace/collector';
import { traceRequestBodies } from '../support/otlp-request-bodies.ts';
import { rowsFromRowBinary } from '../support/row-binary-rows.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const LIMITS: IngestLimits = {
  maxItemsPerRequest: 10_000,
  maxAttributesPerItem: 128,
  maxAttributeValueLength: 10_000,
  maxNameLength: 1_024,
  maxJsonContainersPerRequest: 100_000,
};

describe('DurableIngest', () => {
  let dataPath: string;
  let storage: Storage;

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-ingest-'));
    storage = await openStorage({ dataPath });
    await runMigrations(storage);
  });

  afterAll(async () => {
    await storage?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  const count = async (service: string) => {
    const result = await storage.client.query({
      query: `SELECT count() AS n FROM ${storage.table('otel_traces')} WHERE ServiceName = {service:String}`,
      query_params: { service },
      format: 'JSONEachRow',
    });
    return Number((await result.json<{ n: string }>())[0]!.n);
  };

  /** A started DurableIngest over the spool in `dir` (a folder of the test's data path), with the test's limits. */
  async function startIngest(dir: string, sink: RowSink, options: Partial<DurableIngestOptions> = {}) {
    const spool = await WriteAheadSpool.open({ dir: join(dataPath, dir), maxBytes: 10_000_000 });
    const ingest = new DurableIngest({
      spool,
      sink,
      deadLetterDir: join(dataPath, 'dead'),
      limits: LIMITS,
      metrics: createCollectorMetrics(),
      ...options,
    });
    ingest.start();
    return { ingest, spool };
  }

  describe('replay after a crash', () => {
    it('inserts the in-flight batch again under the same token, and ClickHouse keeps one copy', async () => {
      const dir = 'spool-replay';
      const sink = createClickHouseRowSink(storage);
      // A previous run: two requests spooled, the batch marked in flight, inserted, then the process died before the commit.
      const before = await WriteAheadSpool.open({ dir: join(dataPath, dir), maxBytes: 10_000_000 });
      const bodies = [
        await traceRequestBodies({ service: 'replayed', spans: 4 }),
        await traceRequestBodies({ service: 'replayed', spans: 6 }),
      ];
      for (const [i, body] of bodies.entries()) {
        const decoded = decodeOtlpBody('traces', 'protobuf', body.protobuf, LIMITS).decoded;
        await before.append({
          signal: 'traces',
          encoding: 'protobuf',
          body: body.protobuf,
          rowCount: decoded.rowCount,
          requestHash: `r${i}`,
        });
      }
      await before.markInflight(1, 2);
      const decoded = bodies.map((b) => decodeOtlpBody('traces', 'protobuf', b.protobuf, LIMITS).decoded);
      const rowBinary = decoded.map((d) => d.rowBinary);
      await sink.insert({ signal: 'traces', rowBinary, rowCount: 10, deduplicationToken: `${before.spoolId}:1-2` });
      await before.close();
      expect(await count('replayed')).toBe(10);

      const { ingest, spool } = await startIngest(dir, sink);
      expect(await ingest.drain(10_000)).toBe(true);
      await ingest.stop();
      expect(await count('replayed')).toBe(10);
      expect(spool.waiting).toEqual([]);
    });

    it('replays a spooled request that request limits lowered since would refuse', async () => {
      const dir = 'spool-lowered-limits';
      const before = await WriteAheadSpool.open({ dir: join(dataPath, dir), maxBytes: 10_000_000 });
      const body = (await traceRequestBodies({ service: 'lowered-limits', spans: 6 })).json;
      await before.append({
        signal: 'traces',
        encoding: 'json',
        body,
        rowCount: decodeOtlpBody('traces', 'json', body, LIMITS).decoded.rowCount,
        requestHash: 'j0',
      });
      await before.close();

      const { ingest } = await startIngest(dir, createClickHouseRowSink(storage), {
        limits: { ...LIMITS, maxItemsPerRequest: 1, maxJsonContainersPerRequest: 1 },
      });
      expect(await ingest.drain(10_000)).toBe(true);
      await ingest.stop();
      expect(await count('lowered-limits')).toBe(6);
    });
  });

  describe('key order', () => {
    const T0 = Date.UTC(2026, 0, 5, 10);
    const names = (i: number) => ['decide', 'chat', 'decideé', 'dec'][i % 4]!;

    /** Requests whose rows, one after the other, are out of `otel_traces`' key order; one of them in OTLP/JSON. */
    async function mixedRequests(service: string) {
      const bodies = await Promise.all([
        traceRequestBodies({
          service: `${service}-b`,
          spans: 6,
          spanName: names,
          startTime: (i) => T0 + 5000 - i * 900,
        }),
        traceRequestBodies({ service: `${service}-a`, spans: 8, spanName: names, startTime: (i) => T0 + i * 700 }),
        traceRequestBodies({ service: `${service}-a`, spans: 5, spanName: () => 'chat', startTime: () => T0 + 500 }),
      ]);
      return [
        { encoding: 'protobuf' as const, body: bodies[0]!.protobuf },
        { encoding: 'json' as const, body: bodies[1]!.json },
        { encoding: 'protobuf' as const, body: bodies[2]!.protobuf },
      ];
    }

    /** The real sink (or, `failing`, none), keeping a copy of each INSERT's bytes and token. */
    function recordingSink(failing: boolean) {
      const real = createClickHouseRowSink(storage);
      const inserts: { bytes: Buffer; token: string }[] = [];
      let recorded!: () => void;
      const firstInsert = new Promise<void>((resolve) => (recorded = resolve));
      const sink = {
        ...real,
        insert: async (batch: Parameters<typeof real.insert>[0]) => {
          // Copied: the batch's buffer serves the next INSERT too.
          inserts.push({ bytes: Buffer.concat(batch.rowBinary), token: batch.deduplicationToken });
          recorded();
          if (failing) throw new Error('ClickHouse is down');
          await real.insert(batch);
        },
      };
      return { sink, inserts, firstInsert };
    }

    async function ingestInto(dir: string, sink: RowSink) {
      return (await startIngest(dir, sink, { minBatchRows: 1_000, maxBatchDelayMs: 600_000 })).ingest;
    }

    /** ClickHouse's order: ServiceName and SpanName as bytes (a prefix first), then whole seconds. */
    const keyOf = (row: SpanRow) => ({
      service: Buffer.from(row.ServiceName),
      name: Buffer.from(row.SpanName),
      seconds: BigInt(row.Timestamp) / 1_000_000_000n,
    });
    const compareKeys = (a: ReturnType<typeof keyOf>, b: ReturnType<typeof keyOf>) =>
      Buffer.compare(a.service, b.service) ||
      Buffer.compare(a.name, b.name) ||
      (a.seconds < b.seconds ? -1 : a.seconds > b.seconds ? 1 : 0);

    it('inserts the rows of a batch of several requests in otel_traces key order', async () => {
      const requests = await mixedRequests('key-order');
      const sent = requests.flatMap(({ encoding, body }) =>
        rowsFromRowBinary<SpanRow>(decodeOtlpBody('traces', encoding, body, LIMITS).decoded.rowBinary, SPAN_ROW_LAYOUT),
      );
      expect(sent.map(keyOf).some((key, i, keys) => i > 0 && compareKeys(keys[i - 1]!, key) > 0)).toBe(true);
      const recording = recordingSink(false);
      const ingest = await ingestInto('spool-key-order', recording.sink);
      for (const { encoding, body } of requests)
        await ingest.accept('traces', encoding, body, decodeOtlpBody('traces', encoding, body, LIMITS).decoded);
      expect(await ingest.drain(10_000)).toBe(true);
      await ingest.stop();
      expect(recording.inserts).toHaveLength(1);
      const inserted = rowsFromRowBinary<SpanRow>(recording.inserts[0]!.bytes, SPAN_ROW_LAYOUT);
      // Every row once, in key order, equal keys in the order they came.
      expect(inserted).toEqual(
        sent
          .map((row, i) => ({ row, i }))
          .sort((a, b) => compareKeys(keyOf(a.row), keyOf(b.row)) || a.i - b.i)
          .map(({ row }) => row),
      );
      expect(await count('key-order-a')).toBe(13);
    });

    it('inserts a batch replayed after a crash, decoded again from the spool, with the same bytes and token', async () => {
      const requests = await mixedRequests('key-replay');
      const down = recordingSink(true);
      const first = await ingestInto('spool-key-replay', down.sink);
      for (const { encoding, body } of requests)
        await first.accept('traces', encoding, body, decodeOtlpBody('traces', encoding, body, LIMITS).decoded);
      void first.drain(60_000);
      await down.firstInsert;
      // The process stops with the batch marked in flight; the next one decodes its records from the spool.
      await first.stop();

      const up = recordingSink(false);
      const second = await ingestInto('spool-key-replay', up.sink);
      expect(await second.drain(10_000)).toBe(true);
      await second.stop();
      expect(up.inserts).toHaveLength(1);
      expect(up.inserts[0]!.token).toBe(down.inserts[0]!.token);
      expect(up.inserts[0]!.bytes.equals(down.inserts[0]!.bytes)).toBe(true);
      expect(await count('key-replay-a')).toBe(13);
    });
  });

  describe('batching', () => {
    /** The real sink, recording the rows of each INSERT. */
    function countingSink() {
      const real = createClickHouseRowSink(storage);
      const inserts: number[] = [];
      let inserted!: () => void;
      const firstInsert = new Promise<void>((resolve) => (inserted = resolve));
      const sink = {
        ...real,
        insert: async (batch: Parameters<typeof real.insert>[0]) => {
          await real.insert(batch);
          inserts.push(batch.rowCount);
          inserted();
        },
      };
      return { sink, inserts, firstInsert };
    }

    async function ingestWith(name: string, options: { minBatchRows: number; maxBatchDelayMs: number }) {
      const counting = countingSink();
      const { ingest } = await startIngest(`spool-${name}`, counting.sink, options);
      const accept = async (spans: number) => {
        const body = (await traceRequestBodies({ service: name, spans })).protobuf;
        return ingest.accept('traces', 'protobuf', body, decodeOtlpBody('traces', 'protobuf', body, LIMITS).decoded);
      };
      return { ingest, accept, ...counting };
    }

    it('gathers requests into one INSERT until minBatchRows wait', async () => {
      const { ingest, accept, inserts, firstInsert } = await ingestWith('gathered', {
        minBatchRows: 15,
        maxBatchDelayMs: 600_000,
      });
      for (let i = 0; i < 3; i += 1) expect(await accept(5)).toBe('spooled');
      // The third request brought 15 rows: the INSERT starts without waiting out the delay or a drain.
      expect(await Promise.race([firstInsert.then(() => true), sleep(10_000).then(() => false)])).toBe(true);
      expect(inserts).toEqual([15]);
      expect(await ingest.drain(10_000)).toBe(true);
      await ingest.stop();
      expect(await count('gathered')).toBe(15);
    });

    it('inserts fewer rows once the oldest has waited maxBatchDelayMs', async () => {
      const { ingest, accept, inserts, firstInsert } = await ingestWith('delayed', {
        minBatchRows: 1_000,
        maxBatchDelayMs: 200,
      });
      expect(await accept(5)).toBe('spooled');
      expect(await Promise.race([firstInsert.then(() => true), sleep(10_000).then(() => false)])).toBe(true);
      expect(inserts).toEqual([5]);
      await ingest.stop();
    });

    it('does not hold the rows of a drain or of an answer that waits for its INSERT', async () => {
      const { ingest, accept, inserts } = await ingestWith('not-held', {
        minBatchRows: 1_000,
        maxBatchDelayMs: 600_000,
      });
      expect(await accept(5)).toBe('spooled');
      expect(await ingest.drain(10_000)).toBe(true);
      expect(inserts).toEqual([5]);
      await ingest.stop();
    });
  });

  describe('.accept', () => {
    /** A real sink whose INSERTs wait until the test lets them through. */
    function gatedSink() {
      const sink = createClickHouseRowSink(storage);
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      return {
        sink: {
          ...sink,
          insert: async (batch: Parameters<typeof sink.insert>[0]) => {
            await gate;
            await sink.insert(batch);
          },
        },
        open,
      };
    }

    async function acceptWhileInsertsWait(
      service: string,
      ackWaitBacklogRows: number,
    ): Promise<{ answered: boolean; stored: number }> {
      const { sink, open } = gatedSink();
      const { ingest } = await startIngest(`spool-${service}`, sink, { ackWaitBacklogRows, maxAckWaitMs: 60_000 });
      const body = (await traceRequestBodies({ service, spans: 5 })).protobuf;
      const accepted = ingest.accept(
        'traces',
        'protobuf',
        body,
        decodeOtlpBody('traces', 'protobuf', body, LIMITS).decoded,
      );
      // While the INSERT is held: an answer that does not wait for it comes as soon as the spool has the request.
      const answeredBeforeInsert = await Promise.race([
        accepted.then(() => true),
        sleep(ackWaitBacklogRows > 0 ? 10_000 : 500).then(() => false),
      ]);
      open();
      await accepted;
      expect(await ingest.drain(10_000)).toBe(true);
      await ingest.stop();
      return { answered: answeredBeforeInsert, stored: await count(service) };
    }

    it('answers once spooled while the backlog is below ackWaitBacklogRows', async () => {
      expect(await acceptWhileInsertsWait('ack-on-spool', 100)).toEqual({ answered: true, stored: 5 });
    });

    it('also waits for the INSERT past that backlog (0: always)', async () => {
      expect(await acceptWhileInsertsWait('ack-on-insert', 0)).toEqual({ answered: false, stored: 5 });
    });

    it('past the backlog, answers once spooled while the embedded engine serves a read', async () => {
      const sink = createClickHouseRowSink(storage);
      const { ingest } = await startIngest('spool-read', sink, { ackWaitBacklogRows: 1, maxAckWaitMs: 60_000 });
      // A read of about 3 s (the engine sleeps at most 3 s per block); an INSERT has to wait for its end.
      let readDone = false;
      const read = storage.client
        .query({ query: 'SELECT sleepEachRow(0.5) FROM numbers(6) SETTINGS max_block_size = 1', format: 'JSONEachRow' })
        .then((result) => result.json())
        .then(() => void (readDone = true));
      while (!sink.readHoldsInserts()) await sleep(5);
      const body = (await traceRequestBodies({ service: 'ack-during-read', spans: 5 })).protobuf;
      await ingest.accept('traces', 'protobuf', body, decodeOtlpBody('traces', 'protobuf', body, LIMITS).decoded);
      // Answered with 5 rows waiting, past the bound of 1, while the read still held the engine.
      expect(readDone).toBe(false);
      await read;
      expect(await ingest.drain(10_000)).toBe(true);
      await ingest.stop();
      expect(await count('ack-during-read')).toBe(5);
    });

    it('does not count the rows an INSERT carries; past the bound, answers as soon as an INSERT takes rows off the queue', async () => {
      const real = createClickHouseRowSink(storage);
      // Each INSERT is held until the test releases it, in order.
      const gates: { entered: Promise<void>; enter: () => void; release: () => void; released: Promise<void> }[] = [];
      for (let i = 0; i < 2; i += 1) {
        let enter!: () => void;
        let release!: () => void;
        gates.push({
          entered: new Promise<void>((r) => (enter = r)),
          enter,
          released: new Promise<void>((r) => (release = r)),
          release,
        });
      }
      let calls = 0;
      const sink = {
        ...real,
        insert: async (batch: Parameters<typeof real.insert>[0]) => {
          const gate = gates[calls++]!;
          gate.enter();
          await gate.released;
          await real.insert(batch);
        },
      };
      // 8 rows: one 5-span request queued is under the bound, two are past it.
      const { ingest } = await startIngest('spool-room', sink, { ackWaitBacklogRows: 8, maxAckWaitMs: 60_000 });
      const bodies = await Promise.all(
        [0, 1, 2].map(async () => (await traceRequestBodies({ service: 'room', spans: 5 })).protobuf),
      );
      const accept = (body: Buffer) =>
        ingest.accept('traces', 'protobuf', body, decodeOtlpBody('traces', 'protobuf', body, LIMITS).decoded);
      await accept(bodies[0]!);
      await gates[0]!.entered;
      // 10 rows spooled, 5 of them in the held INSERT: the 5 queued are under the bound, so the answer comes at once.
      const secondAnswered = await Promise.race([accept(bodies[1]!).then(() => true), sleep(10_000).then(() => false)]);
      expect(secondAnswered).toBe(true);
      let thirdAnswered = false;
      const third = accept(bodies[2]!).then(() => void (thirdAnswered = true));
      await sleep(300);
      // 10 rows queued behind the held INSERT: past the bound.
      expect(thirdAnswered).toBe(false);
      gates[0]!.release();
      await gates[1]!.entered;
      await third;
      // Answered while its own INSERT is still held: that INSERT took the queued rows off the queue.
      expect(await count('room')).toBe(5);
      gates[1]!.release();
      expect(await ingest.drain(10_000)).toBe(true);
      await ingest.stop();
      expect(await count('room')).toBe(15);
    });
  });
});
