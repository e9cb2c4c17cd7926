import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Storage } from '@tradetrace/storage';
import { tripletQuery, type TripletQueryRow } from './sql-triplet-query.ts';
import { toTriplet } from './triplet-row-mapper.ts';
import type { Triplet } from './triplet.ts';

/** Reads every triplet from storage, in decision time order. */
export async function* readTriplets(storage: Storage): AsyncGenerator<Triplet> {
  const result = await storage.client.query({ query: tripletQuery(storage), format: 'JSONEachRow' });
  for await (const rows of result.stream<TripletQueryRow>()) {
    for (const row of rows) yield toTriplet(row.json());
  }
}

/** Writes triplets as JSON Lines to a file (or any writable); returns how many were written. */
export async function writeTripletsJsonl(triplets: AsyncIterable<Triplet>, target: string | Writable): Promise<number> {
  const out = typeof target === 'string' ? createWriteStream(target) : target;
  let count = 0;
  for await (const triplet of triplets) {
    if (!out.write(`${JSON.stringify(triplet)}\n`)) await once(out, 'drain');
    count += 1;
  }
  if (typeof target === 'string') {
    out.end();
    await once(out, 'finish');
  }
  return count;
}
