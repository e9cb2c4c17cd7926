import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseJsonExact } from '@tradetrace/storage';
import type { Triplet } from '../triplet.ts';
import { jsonLines, writeChunks, type ExportTarget } from './line-output.ts';

/** Writes triplets as JSON Lines; returns how many were written. */
export function writeTripletsJsonl(triplets: AsyncIterable<Triplet>, target: ExportTarget): Promise<number> {
  return writeChunks(jsonLines(triplets), target);
}

/** Reads any JSON Lines file (or stream) line by line; blank lines are skipped. */
export async function* readJsonLines<T = unknown>(source: string | Readable): AsyncGenerator<T> {
  const input = typeof source === 'string' ? createReadStream(source) : source;
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    try {
      yield parseJsonExact(text) as T;
    } catch (error) {
      throw Object.assign(new Error(`line ${line} is not JSON: ${(error as Error).message}`), {
        code: 'TT_ADAPTERS_BAD_JSONL',
      });
    }
  }
}

export function readTripletsJsonl(source: string | Readable): AsyncGenerator<Triplet> {
  return readJsonLines<Triplet>(source);
}
