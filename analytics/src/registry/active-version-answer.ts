import { setTimeout as sleep } from 'node:timers/promises';
import type { Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { parseInput } from '../analytics-error.ts';
import { getActiveVersion } from './strategy-registry.ts';

/**
 * `GET /api/v1/strategies/{name}/active[?wait=S]` with `If-None-Match`, the request bots poll (the SDK's
 * `pollActiveVersion`). The collector's query API serves it through `answerActiveVersionRequest`.
 */
export const ActiveVersionRequestSchema = z.object({
  strategyName: z.string().min(1),
  /** The `If-None-Match` header: the quoted version id the bot runs. */
  ifNoneMatch: z.string().optional(),
  /** Long-poll: hold the request up to this many seconds while the active version is still `ifNoneMatch`. */
  waitSeconds: z.coerce.number().min(0).max(60).default(0),
});
export type ActiveVersionRequest = z.input<typeof ActiveVersionRequestSchema>;

export interface ActiveVersionAnswer {
  status: 200 | 304 | 404;
  headers: Record<string, string>;
  body:
    | { strategy_name: string; version: string; config: unknown; activated_at: string; action: string }
    | { code: string; message: string }
    | null;
}

export interface AnswerOptions {
  /** How often a long-poll looks for a change. Default 250 ms. */
  checkMillis?: number;
  /** Ends a long-poll early (client gone, server closing). */
  signal?: AbortSignal;
}

const quote = (version: string) => `"${version}"`;

/** Answers one request; a long-poll returns as soon as the active version differs from `If-None-Match`. */
export async function answerActiveVersionRequest(
  storage: Storage,
  request: ActiveVersionRequest,
  options: AnswerOptions = {},
): Promise<ActiveVersionAnswer> {
  const parsed = parseInput(ActiveVersionRequestSchema, request, 'active version request');
  const deadline = Date.now() + parsed.waitSeconds * 1000;
  for (;;) {
    const active = await getActiveVersion(storage, parsed.strategyName);
    if (!active) {
      return {
        status: 404,
        headers: {},
        // The query API's error shape: { code, message } (docs/errors.md).
        body: {
          code: 'TT_ANALYTICS_NO_ACTIVE_VERSION',
          message: `strategy "${parsed.strategyName}" has no active version; activate one with \`tradetrace versions activate\``,
        },
      };
    }
    const etag = quote(active.version);
    if (etag !== parsed.ifNoneMatch) {
      return {
        status: 200,
        headers: { etag, 'cache-control': 'no-cache' },
        body: {
          strategy_name: active.strategyName,
          version: active.version,
          config: active.config,
          activated_at: active.activatedBy.at,
          action: active.activatedBy.action,
        },
      };
    }
    if (Date.now() >= deadline || options.signal?.aborted) return { status: 304, headers: { etag }, body: null };
    await sleep(Math.min(options.checkMillis ?? 250, Math.max(0, deadline - Date.now())));
  }
}
