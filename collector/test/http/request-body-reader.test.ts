import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRequestBody, RequestBodyPool } from '../../src/http/request-body-reader.ts';

/** Sends `chunks` through a stream into readRequestBody; resolves with the body or the error it was refused with. */
function read(chunks: Buffer[], contentLength: string | undefined, limit: number, pool = new RequestBodyPool()) {
  const payload = new PassThrough();
  const result = new Promise<{ error: (Error & { code?: string }) | null; body?: Buffer }>((resolve) =>
    readRequestBody(payload, contentLength, limit, pool, (error, body) => resolve({ error, body })),
  );
  for (const chunk of chunks) payload.write(chunk);
  payload.end();
  return result;
}

describe('readRequestBody', () => {
  const chunks = [Buffer.from('hello, '), Buffer.from('chunked '), Buffer.from('world')];

  it('gives the body whole, announced or not', async () => {
    for (const length of ['20', undefined]) {
      const { error, body } = await read(chunks, length, 100);
      expect(error).toBeNull();
      expect(body?.toString()).toBe('hello, chunked world');
    }
  });

  it('refuses more or fewer bytes than Content-Length announced, as fastify does', async () => {
    for (const length of ['19', '21']) {
      const { error } = await read(chunks, length, 100);
      expect(error?.code).toBe('FST_ERR_CTP_INVALID_CONTENT_LENGTH');
    }
  });

  it('refuses a body past the limit, announced or found while reading', async () => {
    expect((await read(chunks, '20', 19)).error?.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
    expect((await read(chunks, undefined, 19)).error?.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
    expect((await read(chunks, '10', 19)).error?.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
  });
});

describe('RequestBodyPool', () => {
  it('lends a buffer to one body at a time and takes back only its own', () => {
    const pool = new RequestBodyPool();
    const first = pool.take(1000);
    const second = pool.take(1000);
    expect(second.buffer).not.toBe(first.buffer);
    pool.giveBack(first);
    pool.giveBack(first);
    pool.giveBack(Buffer.alloc(1000));
    const third = pool.take(500);
    expect(third.buffer).toBe(first.buffer);
    expect(third.length).toBe(500);
    expect(pool.take(500).buffer).not.toBe(first.buffer);
  });
});
