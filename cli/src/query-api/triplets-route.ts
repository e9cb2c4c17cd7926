import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { CollectorRoutePlugin } from '@tradetrace/collector';
import { PARQUET_COUNT_HEADER, STORE_API } from '../store-access/collector-store-access.ts';
import { storageStoreAccess } from '../store-access/storage-store-access.ts';
import { tripletRequestFromQuery } from '../store-access/triplet-request.ts';
import { storeErrorAnswer } from './store-error-reply.ts';
import { stringifyJsonExact } from '@tradetrace/storage';

/**
 * How finely a served triplet read works: each page read back and each chunk merged is one statement, and the
 * collector's inserts take the engine between them: pieces a tenth of the reader's defaults (10,000 rows a page,
 * 100,000 decisions a chunk) are shorter waits for an insert, at the cost of a few more statements.
 */
const SERVED_PAGING = { pageRows: 1_000, chunkDecisions: 10_000 } as const;

/**
 * `GET /api/v1/triplets?since=&until=&service=&strategy_version=&symbol=&mode=&only_rewarded=&horizon=&match_by_time=
 * &reward_rule=&reward_fn=&gamma=&page_rows=`: the triplets of the collector's own storage as `application/x-ndjson`,
 * one JSON object per line, streamed as they are read (in pages of `page_rows`, so inserts run between them).
 * `GET /api/v1/triplets.parquet` with the same parameters: the engine writes a Parquet file (in steps), sent back as
 * the body.
 */
export const tripletsRoute: CollectorRoutePlugin = (app, { storage, dataPath }) => {
  // Served from the collector's storage without closing it: the access's close is never called.
  const access = storageStoreAccess(storage, 'the collector', false, SERVED_PAGING);
  app.get(STORE_API.triplets, async (request, reply) => {
    try {
      const tripletRequest = tripletRequestFromQuery(request.query as Record<string, string | undefined>);
      const triplets = await access.triplets(tripletRequest);
      return reply.type('application/x-ndjson').send(Readable.from(ndjsonLines(triplets)));
    } catch (error) {
      const answer = storeErrorAnswer(error);
      if (!answer) throw error;
      return reply.code(400).send(answer);
    }
  });
  app.get(STORE_API.parquet, async (request, reply) => {
    const folder = join(dataPath, 'tradetrace-exports');
    const file = join(folder, `${randomUUID()}.parquet`);
    try {
      const tripletRequest = tripletRequestFromQuery(request.query as Record<string, string | undefined>);
      await mkdir(folder, { recursive: true });
      const count = await access.writeParquet(file, tripletRequest);
      const body = createReadStream(file);
      body.once('close', () => void rm(file, { force: true }));
      return reply
        .type('application/vnd.apache.parquet')
        .header(PARQUET_COUNT_HEADER, count === null ? '' : String(count))
        .send(body);
    } catch (error) {
      await rm(file, { force: true });
      const answer = storeErrorAnswer(error);
      if (!answer) throw error;
      return reply.code(400).send(answer);
    }
  });
};

async function* ndjsonLines(items: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const item of items) yield `${stringifyJsonExact(item)}\n`;
}
