import { pipeline, type Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';

/** An unsupported Content-Encoding; answered with 415 as RFC 9110 asks. */
export class UnsupportedContentEncodingError extends Error {
  readonly statusCode = 415;
  readonly code = 'TT_COLLECTOR_UNSUPPORTED_ENCODING';

  constructor(encoding: string) {
    super(`Content-Encoding "${encoding}" is not supported; send gzip or identity`);
    this.name = 'UnsupportedContentEncodingError';
  }
}

type CountedStream = Gunzip & { receivedEncodedLength?: number };

/**
 * Wraps a request body in a gunzip stream when it is gzip-encoded. Fastify applies its body limit to the bytes
 * that come out of this stream, so the decompressed size is bounded while reading and a gzip bomb never inflates
 * past the limit; `receivedEncodedLength` lets it check Content-Length against the compressed bytes.
 */
export function decodeRequestBody(payload: Readable, contentEncoding: string | undefined): Readable {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') throw new UnsupportedContentEncodingError(encoding);
  const gunzip: CountedStream = createGunzip();
  gunzip.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    gunzip.receivedEncodedLength = (gunzip.receivedEncodedLength ?? 0) + chunk.length;
  });
  // A corrupt gzip stream fails with a zlib error (code Z_*) that the app answers with 400.
  pipeline(payload, gunzip, () => {});
  return gunzip;
}
