import type { Readable } from 'node:stream';
import { errorCodes } from 'fastify';

/** Free buffers kept for the next bodies; each at most MAX_POOLED_BYTES, so the pool holds at most 32 MiB. */
const MAX_FREE_BUFFERS = 4;
const MAX_POOLED_BYTES = 8 * 1024 * 1024;
/** Sizes are rounded up to this, so that the next body of about the same size fits a buffer given back. */
const SIZE_STEP = 64 * 1024;

/**
 * Buffers for request bodies, taken for one request and given back when it is done. Each body had a fresh buffer
 * (fastify joins the chunks it read): megabytes per request that the kernel has to map in again, and that, young,
 * make V8 collect garbage early. Only buffers this pool lent are taken back.
 */
export class RequestBodyPool {
  private readonly free: Buffer[] = [];
  private readonly lent = new WeakSet<ArrayBufferLike>();

  /** A buffer of `size` bytes (a view of a pooled one when one is free and large enough). */
  take(size: number): Buffer {
    const index = this.free.findIndex((buffer) => buffer.length >= size);
    const buffer =
      index >= 0 ? this.free.splice(index, 1)[0]! : Buffer.allocUnsafeSlow(Math.ceil(size / SIZE_STEP) * SIZE_STEP);
    this.lent.add(buffer.buffer);
    return buffer.subarray(0, size);
  }

  /**
   * Takes back the buffer behind `body`, if this pool lent it; nothing may read or keep `body` afterwards. Past
   * MAX_FREE_BUFFERS the smallest buffer is let go.
   */
  giveBack(body: Buffer): void {
    if (!this.lent.delete(body.buffer)) return;
    const buffer = Buffer.from(body.buffer);
    if (buffer.length > MAX_POOLED_BYTES) return;
    this.free.push(buffer);
    if (this.free.length > MAX_FREE_BUFFERS) {
      let smallest = 0;
      for (let i = 1; i < this.free.length; i += 1)
        if (this.free[i]!.length < this.free[smallest]!.length) smallest = i;
      this.free.splice(smallest, 1);
    }
  }
}

type DecodedStream = Readable & { receivedEncodedLength?: number };

/**
 * Reads a request body as fastify's own `parseAs: 'buffer'` parser does, with the same limits and errors: a body (or,
 * gzip-encoded, its compressed or decompressed bytes) past `limit` is refused with FST_ERR_CTP_BODY_TOO_LARGE (413)
 * as soon as it is known, a body that does not match its Content-Length with FST_ERR_CTP_INVALID_CONTENT_LENGTH
 * (400), a stream error with its own status or 400. A body sent as is with a Content-Length, nearly all OTLP
 * traffic, is copied once into a buffer of that size from `pool`; other bodies are joined from their chunks.
 */
export function readRequestBody(
  payload: DecodedStream,
  contentLengthHeader: string | undefined,
  limit: number,
  pool: RequestBodyPool,
  done: (error: Error | null, body?: Buffer) => void,
): void {
  const contentLength = Number(contentLengthHeader);
  if (contentLength > limit) {
    done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    return;
  }
  // Bytes as they come: announced and not encoded, they go straight into place (more than announced is a mismatch).
  const presized = payload.receivedEncodedLength === undefined && contentLength > 0;
  const target = presized ? pool.take(contentLength) : undefined;
  const chunks: Buffer[] = [];
  let receivedLength = 0;

  const stop = () => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  };
  const fail = (error: Error) => {
    if (target) pool.giveBack(target);
    done(error);
  };
  function onData(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (target && receivedLength + bytes.length <= target.length) target.set(bytes, receivedLength);
    else if (!target) chunks.push(bytes);
    receivedLength += bytes.length;
    // The decoded length is bounded too, so a gzip bomb stops at the limit.
    if (receivedLength > limit || (payload.receivedEncodedLength ?? 0) > limit) {
      stop();
      fail(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    }
  }
  function onEnd(error?: Error & { statusCode?: number }): void {
    stop();
    if (error != null) {
      if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
      fail(error);
      return;
    }
    if (!Number.isNaN(contentLength) && (payload.receivedEncodedLength || receivedLength) !== contentLength) {
      fail(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      return;
    }
    done(null, target ?? Buffer.concat(chunks, receivedLength));
  }
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
}
