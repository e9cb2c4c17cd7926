import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickHouseErrorCode,
  encodeRowBinarySync,
  insertSpanRowBinary,
  isRowContentError,
  openStorage,
  runMigrations,
  SPAN_ROW_LAYOUT,
  type SpanRow,
  type Storage,
} from '@tradetrace/storage';
import { spanRow } from './fixtures/telemetry-rows.ts';

const row = (service: string): SpanRow =>
  spanRow({
    SpanId: 'cd'.repeat(8),
    SpanName: 'decide',
    ServiceName: service,
    ResourceAttributes: { 'service.name': service },
  });

async function refusal(storage: Storage, rowBinary: Buffer): Promise<unknown> {
  return insertSpanRowBinary(storage, rowBinary).then(
    () => expect.unreachable('the engine took the rows'),
    (error: unknown) => error,
  );
}

describe('clickHouseErrorCode and isRowContentError', () => {
  let dataPath: string;
  let embedded: Storage;
  /** The embedded engine's own refusal, which the loopback "server" below answers with, as a server does. */
  let constraintMessage = '';

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'tt-engine-errors-'));
    embedded = await openStorage({ dataPath });
    await runMigrations(embedded);
    await embedded.client.command({
      query: `ALTER TABLE ${embedded.table('otel_traces')} ADD CONSTRAINT no_poison CHECK ServiceName != 'poison'`,
    });
  });

  afterAll(async () => {
    await embedded?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  it("reads the code of the embedded engine's refusals: a violated constraint, rows cut short", async () => {
    const violated = await refusal(embedded, encodeRowBinarySync([row('poison')], SPAN_ROW_LAYOUT));
    // chDB's error: a string code of its own, the ClickHouse code beside it.
    expect(violated).toMatchObject({ code: 'CHDB_QUERY' });
    expect(clickHouseErrorCode(violated)).toBe(469);
    expect(isRowContentError(violated)).toBe(true);
    constraintMessage = (violated as Error).message;

    const rows = encodeRowBinarySync([row('healthy')], SPAN_ROW_LAYOUT);
    const cut = await refusal(embedded, rows.subarray(0, rows.length - 3));
    expect(isRowContentError(cut)).toBe(true);
    await insertSpanRowBinary(embedded, rows);
  });

  it("reads the code of a server's refusal through the official client, and calls a network failure transient", async () => {
    let server: Server | undefined;
    const port = await new Promise<number>((resolve) => {
      server = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          // What opening the storage sends is answered as a server does; the INSERT is refused.
          if (!new URL(request.url ?? '/', 'http://x').searchParams.get('query')?.startsWith('INSERT'))
            response.writeHead(200, { 'content-type': 'text/plain' }).end('');
          else
            response
              .writeHead(500, { 'content-type': 'text/plain', 'x-clickhouse-exception-code': '469' })
              .end(`${constraintMessage}\n`);
        });
      }).listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    });
    const remote = await openStorage({ url: `http://127.0.0.1:${port}` });
    try {
      const refused = await refusal(remote, encodeRowBinarySync([row('poison')], SPAN_ROW_LAYOUT));
      expect(refused).toMatchObject({ code: '469' });
      expect(clickHouseErrorCode(refused)).toBe(469);
      expect(isRowContentError(refused)).toBe(true);
    } finally {
      await remote.close();
      await new Promise((resolve) => server!.close(resolve));
    }
    const down = await openStorage({ url: `http://127.0.0.1:${port}` }).then(
      () => expect.unreachable('nothing listens there now'),
      (error: unknown) => error,
    );
    expect(clickHouseErrorCode(down)).toBeUndefined();
    expect(isRowContentError(down)).toBe(false);
  });
});
