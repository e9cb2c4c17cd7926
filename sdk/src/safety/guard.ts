import { SpanStatusCode, type Span } from '@opentelemetry/api';
import * as A from '../semconv/trading-attributes.ts';
import { describeError, type RateLimitedReporter } from './sdk-logger.ts';

/**
 * Runs SDK-internal work. A failure is reported (rate-limited) and swallowed: tracing must never turn into an
 * exception in the bot. Returns the work's result, or `fallback` when it threw.
 */
export function guarded<T>(reporter: RateLimitedReporter, what: string, work: () => T, fallback: T): T {
  try {
    return work();
  } catch (error) {
    reportInternalError(reporter, what, error);
    return fallback;
  }
}

/** Reports an SDK-internal failure (rate-limited). */
export function reportInternalError(reporter: RateLimitedReporter, what: string, error: unknown): void {
  reporter.report(
    'error',
    `internal:${what}`,
    (n) =>
      `internal error in ${what} (${n} time(s) since the last report; the bot was not affected): ${describeError(error)}`,
  );
}

/** Marks a span failed with the error the bot's code raised (which then passes on to the bot unchanged). */
export function recordSpanError(span: Span, error: unknown): void {
  try {
    const message = error instanceof Error ? error.message : String(error);
    span.recordException(error instanceof Error ? error : message);
    const status = (error as { status?: unknown } | null)?.status;
    span.setAttribute(
      A.ATTR_ERROR_TYPE,
      typeof status === 'number' ? String(status) : error instanceof Error ? error.name || 'Error' : '_OTHER',
    );
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  } catch {
    // Nothing sensible left to do: the span just stays without its error.
  }
}
