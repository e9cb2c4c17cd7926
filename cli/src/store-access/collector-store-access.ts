import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { readJsonLines, type Triplet } from '@tradetrace/adapters';
import type { StoreAccess } from './store-access.ts';
import { StoreAccessError } from './store-access-error.ts';
import { tripletRequestToQuery } from './triplet-request.ts';

/** Paths of the collector's query API that serve store access. */
export const STORE_API = {
  operations: '/api/v1/ops/',
  triplets: '/api/v1/triplets',
  parquet: '/api/v1/triplets.parquet',
} as const;

/** The header carrying the number of rows of a Parquet answer. */
export const PARQUET_COUNT_HEADER = 'x-tradetrace-rows';

/**
 * The store through a running collector's query API: the collector owns the embedded engine and runs the same
 * operations on it. `token` is its local credential (from the data folder) or a read/admin token.
 */
export function collectorStoreAccess(baseUrl: string, token: string | undefined): StoreAccess {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const where = `the collector at ${new URL(base).origin}`;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const call = async (
    path: string,
    init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {},
  ): Promise<Response> => {
    const url = new URL(path.replace(/^\//, ''), base);
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers: { ...headers, ...init.headers } });
    } catch (error) {
      throw new StoreAccessError(
        'TT_CLI_COLLECTOR_UNREACHABLE',
        `cannot reach ${where}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}; is it running?`,
      );
    }
    if (response.ok && response.body) return response;
    const text = await response.text();
    let answer: { code?: unknown; message?: string } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      answer = { message: text.slice(0, 300) };
    }
    if (response.status === 401 || response.status === 403)
      throw new StoreAccessError(
        'TT_CLI_COLLECTOR_FAILED',
        `${where} refused the request (${response.status}): ${answer.message ?? text}; give a token with --token or TRADETRACE_TOKEN (an admin: token for registry changes)`,
      );
    // The collector's own user errors carry their code: surface them as if they happened here.
    if (typeof answer.code === 'string' && answer.code.startsWith('TT_') && response.status < 500)
      throw Object.assign(new Error(answer.message ?? text), { code: answer.code });
    throw new StoreAccessError(
      'TT_CLI_COLLECTOR_FAILED',
      `${where} answered ${response.status} for ${url.pathname}: ${answer.message ?? text}`,
    );
  };
  const withQuery = (path: string, query: URLSearchParams) => `${path}?${query.toString()}`;
  return {
    where,
    collectorUrl: new URL(base).origin,
    async run(name, input) {
      const response = await call(`${STORE_API.operations}${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      return response.json() as never;
    },
    async triplets(request) {
      const response = await call(withQuery(STORE_API.triplets, tripletRequestToQuery(request)), {
        headers: { accept: 'application/x-ndjson' },
      });
      return readJsonLines<Triplet>(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>));
    },
    countDecisions: async () => null,
    async writeParquet(path, request) {
      const response = await call(withQuery(STORE_API.parquet, tripletRequestToQuery(request)));
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(path));
      const rows = response.headers.get(PARQUET_COUNT_HEADER);
      return rows === null || rows === '' ? null : Number(rows);
    },
    close: async () => {},
  };
}
