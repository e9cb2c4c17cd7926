/** Where the SDK reports its own trouble (export failures, dropped spans, hooks that threw). Never the bot's errors. */
export interface SdkLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** The default: one line on stderr, prefixed so it is easy to grep out of the bot's own logs. */
export const CONSOLE_LOGGER: SdkLogger = {
  warn: (message) => console.warn(`[tradetrace] ${message}`),
  error: (message) => console.error(`[tradetrace] ${message}`),
};

export const SILENT_LOGGER: SdkLogger = { warn: () => {}, error: () => {} };

/**
 * Reports a recurring problem at most once per interval per key: the first occurrence at once, later ones folded
 * into a count that goes out with the next report. A collector that is down for an hour gives a few dozen lines,
 * not a million.
 */
export class RateLimitedReporter {
  private readonly lastReportAt = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  private readonly logger: SdkLogger;
  private readonly intervalMillis: number;
  private readonly now: () => number;

  constructor(logger: SdkLogger, intervalMillis: number, now: () => number = Date.now) {
    this.logger = logger;
    this.intervalMillis = intervalMillis;
    this.now = now;
  }

  /** `occurrences`: how many events this call stands for (e.g. spans dropped at once). Returns whether it was logged. */
  report(
    level: 'warn' | 'error',
    key: string,
    message: (occurrencesSinceLastReport: number) => string,
    occurrences = 1,
  ): boolean {
    const pending = (this.suppressed.get(key) ?? 0) + occurrences;
    const last = this.lastReportAt.get(key);
    const at = this.now();
    if (last !== undefined && at - last < this.intervalMillis) {
      this.suppressed.set(key, pending);
      return false;
    }
    this.lastReportAt.set(key, at);
    this.suppressed.delete(key);
    try {
      this.logger[level](message(pending));
    } catch {
      // A logger that throws must not turn into an exception in the bot.
    }
    return true;
  }
}

/** Error text without the stack, for one-line reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'unprintable error';
  }
}
