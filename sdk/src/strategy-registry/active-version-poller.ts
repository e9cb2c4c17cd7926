import { diag } from '@opentelemetry/api';
import { z } from 'zod';
import type { StrategyDefinition, StrategyRef, StrategyVersion } from '../strategy/strategy-version.ts';

/**
 * The collector's answer to `GET /api/v1/strategies/{name}/active`: the version an operator activated, promoted or
 * rolled back to. The `ETag` header is the quoted version id; `If-None-Match` with `?wait=S` long-polls.
 */
export const ActiveVersionBodySchema = z.object({
  strategy_name: z.string(),
  version: z.string().min(1),
  config: z.unknown(),
  activated_at: z.string(),
  action: z.string(),
});
export type ActiveVersionBody = z.output<typeof ActiveVersionBodySchema>;

export interface ActiveVersionPollerOptions<Schema extends z.ZodType> {
  /** Collector base URL, e.g. `http://127.0.0.1:4318`. */
  endpoint: string;
  /** The strategy's definition: its zod schema validates every config the registry sends. */
  strategy: StrategyDefinition<Schema>;
  /** Runs until the registry answers (and whenever it has no active version). */
  fallback?: StrategyVersion<z.output<Schema>>;
  /** Seconds the collector may hold a request open waiting for a change (long-poll). Default 25; 0 = plain polling. */
  waitSeconds?: number;
  /** Pause between two requests, ms; also the back-off after an error. Default 1000. */
  intervalMillis?: number;
  /** Extra request headers, e.g. authorization. */
  headers?: Record<string, string>;
  /** When given, every span the bot emits outside `runStrategy` carries the version in force (`tt.setDefaultStrategy`). */
  tradeTrace?: { setDefaultStrategy(strategy: StrategyRef | undefined): void };
}

export interface ActiveVersionPoller<Config> {
  /** The version to run now: the registry's active one, else the fallback. */
  current(): StrategyVersion<Config> | undefined;
  /** Called after the active version changed (activation, promotion, rollback). A listener that throws is reported. */
  onChange(
    listener: (next: StrategyVersion<Config>, previous: StrategyVersion<Config> | undefined) => void,
  ): () => void;
  /** Resolves after the first answer from the registry (or the first failure). */
  ready(): Promise<void>;
  /** Stops polling and aborts the request in flight. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Follows the active version of a strategy so that an activation or rollback reaches a running bot without a restart.
 * Never throws into the bot: a bad answer or an unreachable collector keeps the current version and is reported
 * through OTel's diag logger.
 */
export function pollActiveVersion<Schema extends z.ZodType>(
  options: ActiveVersionPollerOptions<Schema>,
): ActiveVersionPoller<z.output<Schema>> {
  type Config = z.output<Schema>;
  const waitSeconds = options.waitSeconds ?? 25;
  const intervalMillis = options.intervalMillis ?? 1000;
  const url = `${options.endpoint.replace(/\/+$/, '')}/api/v1/strategies/${encodeURIComponent(options.strategy.name)}/active${waitSeconds > 0 ? `?wait=${waitSeconds}` : ''}`;
  const listeners = new Set<(next: StrategyVersion<Config>, previous: StrategyVersion<Config> | undefined) => void>();
  let current: StrategyVersion<Config> | undefined = options.fallback;
  let etag: string | undefined;
  let rejectedVersion: string | undefined;
  let stopped = false;
  let inFlight: AbortController | undefined;
  let wake: (() => void) | undefined;
  let markReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));

  const adopt = (body: ActiveVersionBody): void => {
    const checked = options.strategy.safeVersion(body.config);
    if (!checked.success) {
      if (rejectedVersion !== body.version) {
        rejectedVersion = body.version;
        diag.error(
          `tradetrace: strategy "${options.strategy.name}" version ${body.version} from the registry does not fit the strategy's schema; keeping ${current?.version ?? 'no version'}: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      }
      return;
    }
    // The registry's id is what operators activated and what stats group by, so spans carry it.
    const next: StrategyVersion<Config> = Object.freeze({
      name: options.strategy.name,
      version: body.version,
      config: checked.version.config,
    });
    if (next.version === current?.version) return;
    const previous = current;
    current = next;
    options.tradeTrace?.setDefaultStrategy(next);
    for (const listener of listeners) {
      try {
        listener(next, previous);
      } catch (error) {
        diag.error(`tradetrace: a strategy version listener threw: ${(error as Error).message}`);
      }
    }
  };

  const requestOnce = async (): Promise<void> => {
    inFlight = new AbortController();
    const timeout = setTimeout(() => inFlight?.abort(), (waitSeconds + 10) * 1000);
    timeout.unref();
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json', ...(etag ? { 'if-none-match': etag } : {}), ...options.headers },
        signal: inFlight.signal,
      });
      if (response.status === 304) return;
      if (response.status === 404) {
        await response.body?.cancel();
        return;
      }
      if (!response.ok) {
        diag.warn(`tradetrace: strategy registry answered ${response.status} for ${options.strategy.name}`);
        await response.body?.cancel();
        return;
      }
      const parsed = ActiveVersionBodySchema.safeParse(await response.json());
      if (!parsed.success) {
        diag.warn(
          `tradetrace: strategy registry sent an unreadable answer: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
        return;
      }
      etag = response.headers.get('etag') ?? `"${parsed.data.version}"`;
      adopt(parsed.data);
    } catch (error) {
      if (!stopped) diag.warn(`tradetrace: strategy registry unreachable at ${url}: ${(error as Error).message}`);
    } finally {
      clearTimeout(timeout);
      inFlight = undefined;
    }
  };

  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMillis);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  if (current) options.tradeTrace?.setDefaultStrategy(current);
  const loop = (async () => {
    while (!stopped) {
      await requestOnce();
      markReady();
      if (!stopped) await pause();
    }
  })();

  return {
    current: () => current,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready: () => readyPromise,
    async stop() {
      stopped = true;
      inFlight?.abort();
      wake?.();
      await loop;
    },
  };
}
