import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { readJsonLines } from './formats/jsonl-format.ts';
import { tripletFilterToQuery, type TripletFilter } from './triplet-filter.ts';
import type { Triplet } from './triplet.ts';

/** Path of the collector's triplet API (application/x-ndjson, one triplet per line). */
export const TRIPLETS_API_PATH = '/api/v1/triplets';

/**
 * Streams triplets from a running collector, for when it holds the embedded data folder. `token` is a read
 * token when the collector has auth on.
 */
export async function* readTripletsFromEndpoint(
  endpoint: string,
  filter: TripletFilter = {},
  token?: string,
): AsyncGenerator<Triplet> {
  const url = new URL(TRIPLETS_API_PATH, endpoint.endsWith('/') ? endpoint : `${endpoint}/`);
  url.search = tripletFilterToQuery(filter).toString();
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/x-ndjson', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
  } catch (error) {
    throw Object.assign(
      new Error(`cannot reach the collector at ${url.origin}: ${(error as Error).message}. Is it running?`),
      { code: 'TT_ADAPTERS_ENDPOINT_UNREACHABLE' },
    );
  }
  if (!response.ok || !response.body) {
    const body = (await response.text()).slice(0, 300);
    const hint =
      response.status === 401 || response.status === 403 ? ' (give a read token with --token or TRADETRACE_TOKEN)' : '';
    throw Object.assign(new Error(`the collector answered ${response.status} for ${url.pathname}${hint}: ${body}`), {
      code: 'TT_ADAPTERS_ENDPOINT_FAILED',
    });
  }
  yield* readJsonLines<Triplet>(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>));
}
