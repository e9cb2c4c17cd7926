import { diag } from '@opentelemetry/api';
import { z } from 'zod';
import type { StrategyDefinition, StrategyRef, StrategyVersion } from '../strategy/strategy-version.ts';
import { describeIssues } from '../validation-issues.ts';

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
  onChange(listener: VersionListener<Config>): () => void;
  /** Resolves after the first answer from the registry (or the first failure). */
  ready(): Promise<void>;
  /** Stops polling and aborts the request in flight. Idempotent. */
  stop(): Promise<void>;
}

type VersionListener<Config> = (next: StrategyVersion<Config>, previous: StrategyVersion<Config> | undefined) => void;

/**
 * Follows the active version of a strategy so that an activation or rollback reaches a running bot without a restart.
 * Never throws into the bot: a bad answer or an unreachable collector keeps the current version and is reported
 * through OTel's diag logger.
 */
export function pollActiveVersion<Schema extends z.ZodType>(
  options: ActiveVersionPollerOptions<Schema>,
): ActiveVersionPoller<z.output<Schema>> {
  return new ActiveVersionFollower(options);
}

class ActiveVersionFollower<Schema extends z.ZodType> implements ActiveVersionPoller<z.output<Schema>> {
  private readonly options: ActiveVersionPollerOptions<Schema>;
  private readonly url: string;
  private readonly waitSeconds: number;
  private readonly intervalMillis: number;
  private readonly listeners = new Set<VersionListener<z.output<Schema>>>();
  private readonly readyPromise: Promise<void>;
  private readonly loop: Promise<void>;
  private currentVersion: StrategyVersion<z.output<Schema>> | undefined;
  private etag: string | undefined;
  /** The last version the schema refused, so that it is reported once, not on every poll. */
  private rejectedVersion: string | undefined;
  private stopped = false;
  private inFlight: AbortController | undefined;
  private wake: (() => void) | undefined;
  private markReady!: () => void;

  constructor(options: ActiveVersionPollerOptions<Schema>) {
    this.options = options;
    this.waitSeconds = options.waitSeconds ?? 25;
    this.intervalMillis = options.intervalMillis ?? 1000;
    const base = `${options.endpoint.replace(/\/+$/, '')}/api/v1/strategies/${encodeURIComponent(options.strategy.name)}/active`;
    this.url = this.waitSeconds > 0 ? `${base}?wait=${this.waitSeconds}` : base;
    this.currentVersion = options.fallback;
    this.readyPromise = new Promise<void>((resolve) => {
      this.markReady = resolve;
    });
    if (this.currentVersion) options.tradeTrace?.setDefaultStrategy(this.currentVersion);
    this.loop = this.run();
  }

  current(): StrategyVersion<z.output<Schema>> | undefined {
    return this.currentVersion;
  }

  onChange(listener: VersionListener<z.output<Schema>>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.inFlight?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.requestOnce();
      this.markReady();
      if (!this.stopped) await this.pause();
    }
  }

  private async requestOnce(): Promise<void> {
    const inFlight = new AbortController();
    this.inFlight = inFlight;
    const timeout = setTimeout(() => inFlight.abort(), (this.waitSeconds + 10) * 1000);
    timeout.unref();
    try {
      const body = await this.fetchActive(inFlight.signal);
      if (body) this.adopt(body);
    } catch (error) {
      if (!this.stopped)
        diag.warn(`tradetrace: strategy registry unreachable at ${this.url}: ${(error as Error).message}`);
    } finally {
      clearTimeout(timeout);
      this.inFlight = undefined;
    }
  }

  /** The registry's answer when it changed; undefined for "unchanged", "no active version" or an error it reported. */
  private async fetchActive(signal: AbortSignal): Promise<ActiveVersionBody | undefined> {
    const response = await fetch(this.url, {
      headers: {
        accept: 'application/json',
        ...(this.etag ? { 'if-none-match': this.etag } : {}),
        ...this.options.headers,
      },
      signal,
    });
    if (response.status === 304) return undefined;
    if (!response.ok) {
      if (response.status !== 404)
        diag.warn(`tradetrace: strategy registry answered ${response.status} for ${this.options.strategy.name}`);
      await response.body?.cancel();
      return undefined;
    }
    const parsed = ActiveVersionBodySchema.safeParse(await response.json());
    if (!parsed.success) {
      diag.warn(`tradetrace: strategy registry sent an unreadable answer: ${describeIssues(parsed.error, 'body')}`);
      return undefined;
    }
    this.etag = response.headers.get('etag') ?? `"${parsed.data.version}"`;
    return parsed.data;
  }

  private adopt(body: ActiveVersionBody): void {
    const { strategy } = this.options;
    const checked = strategy.safeVersion(body.config);
    if (!checked.success) {
      if (this.rejectedVersion !== body.version) {
        this.rejectedVersion = body.version;
        diag.error(
          `tradetrace: strategy "${strategy.name}" version ${body.version} from the registry does not fit the strategy's schema; keeping ${this.currentVersion?.version ?? 'no version'}: ${describeIssues(checked.error, 'config')}`,
        );
      }
      return;
    }
    // The registry's id is what operators activated and what stats group by, so spans carry it.
    const next = Object.freeze({ name: strategy.name, version: body.version, config: checked.version.config });
    if (next.version === this.currentVersion?.version) return;
    const previous = this.currentVersion;
    this.currentVersion = next;
    this.options.tradeTrace?.setDefaultStrategy(next);
    for (const listener of this.listeners) {
      try {
        listener(next, previous);
      } catch (error) {
        diag.error(`tradetrace: a strategy version listener threw: ${(error as Error).message}`);
      }
    }
  }

  private pause(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.intervalMillis);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
