import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringifyJsonExact } from '@tradetrace/storage';

/** Where an export goes: a file path (created or truncated) or an open writable such as stdout. */
export type ExportTarget = string | Writable;

/** Writes text chunks with backpressure, so memory stays flat however many rows pass; returns the chunk count. */
export async function writeChunks(chunks: AsyncIterable<string>, target: ExportTarget): Promise<number> {
  const out = typeof target === 'string' ? createWriteStream(target) : target;
  let count = 0;
  for await (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
    count += 1;
  }
  if (typeof target === 'string') {
    out.end();
    await once(out, 'finish');
  }
  return count;
}

/** Each item as one JSON line; integers beyond 2^53 (`bigint`s) written exactly. */
export async function* jsonLines<T>(items: AsyncIterable<T>): AsyncGenerator<string> {
  for await (const item of items) yield `${stringifyJsonExact(item)}\n`;
}
