import type { Tracer } from '@opentelemetry/api';
import { redactJsonValue } from '../redaction/config-redaction.ts';
import type { SecretRedactor } from '../redaction/secret-redactor.ts';
import { describeError, type RateLimitedReporter } from '../safety/sdk-logger.ts';
import * as A from '../semconv/trading-attributes.ts';
import { canonicalJson, type StrategyRef, type StrategyVersion } from '../strategy/strategy-version.ts';

export interface VersionRegistrationOptions {
  tracer: Tracer;
  redactor: SecretRedactor;
  reporter: RateLimitedReporter;
  /** The collector's base URL, to ask whether a version is registered; without one the span is sent once. */
  endpoint?: string;
  headers: Record<string, string>;
}

interface Pending {
  ref: StrategyRef;
  config: string;
  redacted: boolean;
  intervalMillis: number;
  timer?: NodeJS.Timeout;
}

/** First question after the span was sent, ms; the pause doubles after each "not yet" up to MAX_INTERVAL_MILLIS. */
const FIRST_CHECK_MILLIS = 2000;
const MAX_INTERVAL_MILLIS = 60_000;
/** How long the collector may wait for the registration span to reach its table before it answers "not yet", s. */
const STORE_WAIT_SECONDS = 2;
/** The longest wait the collector grants (its route's limit), s. */
const MAX_WAIT_SECONDS = 10;

/**
 * Registers the versions a bot runs: a `tradetrace.strategy.version` span with the version's canonical config
 * (secrets redacted here, before it leaves the process), sent again until the collector answers that the version is
 * in the registry, so a collector that was down when the bot started still gets it. Never throws into the bot;
 * its timers are unref'd and `stop` ends them.
 */
export class VersionRegistration {
  private readonly options: VersionRegistrationOptions;
  private readonly seen = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly inFlight = new Set<AbortController>();
  private stopped = false;

  constructor(options: VersionRegistrationOptions) {
    this.options = options;
  }

  /** Registers `strategy` when it is a version with a config (`defineStrategy(...).version`) not seen before. */
  register(strategy: StrategyRef | StrategyVersion): void {
    // Nonsense from the bot (no object, no config) registers nothing and never throws.
    if (this.stopped || typeof strategy !== 'object' || strategy === null || !('config' in strategy)) return;
    const key = `${strategy.name}\u0000${strategy.version}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    let entry: Pending;
    try {
      const full = canonicalJson(strategy.config);
      const config = canonicalJson(redactJsonValue(this.options.redactor, strategy.config));
      entry = {
        ref: { name: strategy.name, version: strategy.version },
        config,
        redacted: config !== full,
        intervalMillis: FIRST_CHECK_MILLIS,
      };
    } catch (error) {
      this.options.reporter.report(
        'warn',
        'version-registration',
        () => `version registration: ${describeError(error)}`,
      );
      return;
    }
    this.emit(entry);
    if (this.options.endpoint === undefined) return;
    this.pending.set(key, entry);
    this.schedule(key, entry);
  }

  /**
   * Stops re-sending; asks once more about each unconfirmed version (its span was just flushed) until `deadline`.
   * Nothing of it outlives the returned promise.
   */
  async stop(deadline: number): Promise<void> {
    this.stopped = true;
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    // The bot may exit right after: let the collector wait for the span as long as the shutdown allows.
    const waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.floor((deadline - Date.now()) / 1000));
    if (waitSeconds >= 0 && this.pending.size > 0) {
      const asked = [...this.pending.entries()].map(async ([key, entry]) => {
        if (await this.confirmed(entry, waitSeconds, deadline)) this.pending.delete(key);
      });
      await Promise.all(asked);
    }
    for (const controller of this.inFlight) controller.abort();
  }

  private emit(entry: Pending): void {
    try {
      const span = this.options.tracer.startSpan(A.STRATEGY_VERSION_SPAN_NAME, {
        root: true,
        attributes: {
          [A.ATTR_TRADING_STRATEGY_NAME]: entry.ref.name,
          [A.ATTR_TRADING_STRATEGY_VERSION]: entry.ref.version,
          [A.ATTR_TRADING_STRATEGY_CONFIG]: entry.config,
          [A.ATTR_TRADING_STRATEGY_CONFIG_REDACTED]: entry.redacted,
        },
      });
      span.end();
    } catch (error) {
      this.options.reporter.report(
        'warn',
        'version-registration',
        () => `version registration: ${describeError(error)}`,
      );
    }
  }

  private schedule(key: string, entry: Pending): void {
    entry.timer = setTimeout(() => void this.check(key, entry), entry.intervalMillis);
    entry.timer.unref();
  }

  private async check(key: string, entry: Pending): Promise<void> {
    if (this.stopped) return;
    const deadline = Date.now() + (STORE_WAIT_SECONDS + 10) * 1000;
    if (await this.confirmed(entry, STORE_WAIT_SECONDS, deadline)) {
      this.pending.delete(key);
      return;
    }
    if (this.stopped) return;
    // Not stored (the collector was down, or the span was dropped): send it again, ask again later.
    this.emit(entry);
    entry.intervalMillis = Math.min(entry.intervalMillis * 2, MAX_INTERVAL_MILLIS);
    this.schedule(key, entry);
  }

  /** Whether the collector says the version is registered; false for "not yet" and for any failure. */
  private async confirmed(entry: Pending, waitSeconds: number, deadline: number): Promise<boolean> {
    const { name, version } = entry.ref;
    const base = this.options.endpoint!.replace(/\/+$/, '');
    const url = `${base}/v1/strategies/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/registration?wait=${waitSeconds}`;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()));
    timer.unref();
    try {
      const response = await fetch(url, { method: 'POST', headers: this.options.headers, signal: controller.signal });
      await response.body?.cancel();
      if (response.status !== 200 && response.status !== 404)
        this.options.reporter.report(
          'warn',
          'version-registration',
          () =>
            `the collector answered ${response.status} when asked to register ${name}@${version}; asking again later`,
        );
      return response.status === 200;
    } catch {
      // The collector is down or slow: the span is sent again and the question asked later.
      return false;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }
}
