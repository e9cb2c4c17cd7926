import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COLLECTOR_METRIC_ROW_LAYOUT,
  encodeRowBinarySync,
  insertCollectorMetricRows,
  insertSpanRowBinary,
  openStorage,
  SPAN_ROW_LAYOUT,
  type Storage,
} from '@tradetrace/storage';
import { spanRow } from './fixtures/telemetry-rows.ts';

interface Received {
  query: string;
  params: URLSearchParams;
  body: Buffer;
}

/**
 * What a ClickHouse server is sent, seen on loopback: no ClickHouse server runs on this machine, so this checks the
 * HTTP request the official client makes (the statement, its settings, the body) rather than what a server does with it.
 */
describe('inserting RowBinary into a ClickHouse server (the request on the wire)', () => {
  let server: Server;
  let storage: Storage;
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const params = new URL(request.url ?? '/', 'http://localhost').searchParams;
        const body = Buffer.concat(chunks);
        received.push({ query: params.get('query') ?? body.toString('utf8'), params, body });
        response.writeHead(200, { 'content-type': 'text/plain' }).end('');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    storage = await openStorage({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });

  afterAll(async () => {
    await storage.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the rows as the body of INSERT ... FORMAT RowBinary, columns named, under the batch token', async () => {
    const row = spanRow({
      SpanId: 'cd'.repeat(8),
      SpanName: 'decide',
      SpanAttributes: { 'trading.operation.name': 'decide' },
    });
    const rowBinary = encodeRowBinarySync([row, row], SPAN_ROW_LAYOUT);
    received.length = 0;
    await insertSpanRowBinary(storage, rowBinary, { deduplicationToken: 'spool-1:3-4' });
    expect(received).toHaveLength(1);
    const [insert] = received;
    expect(insert!.query).toBe(
      `INSERT INTO \`otel\`.\`otel_traces\` (${SPAN_ROW_LAYOUT.map((c) => `\`${c.name}\``).join(', ')}) FORMAT RowBinary`,
    );
    expect(insert!.params.get('insert_deduplication_token')).toBe('spool-1:3-4');
    expect(insert!.params.get('insert_deduplicate')).toBe('1');
    expect(insert!.params.get('materialize_skip_indexes_on_insert')).toBe('0');
    expect(insert!.body.equals(rowBinary)).toBe(true);
  });

  it("sends a collector health sample the same way, into collector_metrics under the sample's token", async () => {
    const row = {
      Timestamp: '1795752204843000000',
      CollectorId: 'host:4318',
      StartTime: '1795752200000000000',
      MetricName: 'tradetrace_collector_accepted_items_total',
      MetricType: 'counter' as const,
      Labels: { signal: 'traces' },
      Value: 12,
      Increase: 2.5,
    };
    received.length = 0;
    await insertCollectorMetricRows(storage, [row], { deduplicationToken: 'collector-health:host:4318:1:7' });
    expect(received).toHaveLength(1);
    expect(received[0]!.query).toBe(
      `INSERT INTO \`otel\`.\`collector_metrics\` (${COLLECTOR_METRIC_ROW_LAYOUT.map((c) => `\`${c.name}\``).join(', ')}) FORMAT RowBinary`,
    );
    expect(received[0]!.params.get('insert_deduplication_token')).toBe('collector-health:host:4318:1:7');
    expect(received[0]!.body.equals(encodeRowBinarySync([row], COLLECTOR_METRIC_ROW_LAYOUT))).toBe(true);
    // The Float64 columns close the row, little-endian.
    expect(received[0]!.body.readDoubleLE(received[0]!.body.length - 16)).toBe(12);
    expect(received[0]!.body.readDoubleLE(received[0]!.body.length - 8)).toBe(2.5);
  });

  it('sends a batch given in pieces as one body, in order', async () => {
    const pieces = [Buffer.from([1, 2, 3]), Buffer.from([4]), Buffer.from([5, 6])];
    received.length = 0;
    await insertSpanRowBinary(storage, pieces, { deduplicationToken: 'spool-1:5-7' });
    expect(received).toHaveLength(1);
    expect(received[0]!.body.equals(Buffer.from([1, 2, 3, 4, 5, 6]))).toBe(true);
  });
});
