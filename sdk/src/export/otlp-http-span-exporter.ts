import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

export interface OtlpHttpSpanExporterOptions {
  /** `${endpoint}/v1/traces`. */
  url: string;
  headers: Record<string, string>;
  /** An export (retries included) that has not succeeded by then fails, ms. */
  timeoutMillis: number;
  encoding: 'protobuf' | 'json';
}

/** OpenTelemetry's retry policy for OTLP/HTTP: these statuses (and network errors) may succeed later. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const MAX_RETRIES = 5;
const FIRST_BACKOFF_MILLIS = 1000;
const MAX_BACKOFF_MILLIS = 5000;

type Attempt =
  | { kind: 'success' }
  | { kind: 'retry'; afterMillis?: number; error: Error }
  | { kind: 'failed'; error: Error };

/**
 * OTLP/HTTP span exporter: OpenTelemetry's serializers and retry policy (jittered back-off, Retry-After), with one
 * difference that matters to a bot: `shutdown()` aborts the request in flight and cancels pending retries, so a
 * process whose collector is gone exits right after `shutdown()` instead of waiting out the retry timers (which
 * OpenTelemetry's exporter neither unrefs nor cancels: open-telemetry/opentelemetry-js#6340 proposes cancelling them;
 * once a release does, this class can give way to `@opentelemetry/exporter-trace-otlp-proto`).
 */
export class OtlpHttpSpanExporter implements SpanExporter {
  private readonly options: OtlpHttpSpanExporterOptions;
  private readonly sending = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private readonly pauses = new Set<() => void>();
  private stopped = false;

  constructor(options: OtlpHttpSpanExporterOptions) {
    this.options = options;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('the exporter is shut down') });
      return;
    }
    const serializer = this.options.encoding === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
    const body = serializer.serializeRequest(spans);
    if (body === undefined) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('the spans could not be serialized') });
      return;
    }
    const sent = this.send(body).then(resultCallback);
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.sending]);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const controller of this.aborts) controller.abort();
    for (const wake of this.pauses) wake();
    await Promise.allSettled([...this.sending]);
  }

  private async send(body: Uint8Array): Promise<ExportResult> {
    const deadline = Date.now() + this.options.timeoutMillis;
    let backoff = FIRST_BACKOFF_MILLIS;
    for (let retries = 0; ; retries++) {
      const attempt = await this.post(body, deadline);
      if (attempt.kind === 'success') return { code: ExportResultCode.SUCCESS };
      if (attempt.kind === 'failed' || retries >= MAX_RETRIES || this.stopped)
        return { code: ExportResultCode.FAILED, error: attempt.error };
      const wait = attempt.afterMillis ?? backoff * (0.8 + Math.random() * 0.4);
      backoff = Math.min(backoff * 1.5, MAX_BACKOFF_MILLIS);
      if (Date.now() + wait >= deadline || !(await this.pause(wait)))
        return { code: ExportResultCode.FAILED, error: attempt.error };
    }
  }

  private async post(body: Uint8Array, deadline: number): Promise<Attempt> {
    const controller = new AbortController();
    this.aborts.add(controller);
    const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - Date.now()));
    timer.unref();
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          ...this.options.headers,
          'content-type': this.options.encoding === 'json' ? 'application/json' : 'application/x-protobuf',
        },
        body,
        signal: controller.signal,
      });
      const text = await response.text();
      if (response.ok) return { kind: 'success' };
      const error = new Error(`the collector answered ${response.status}: ${text.slice(0, 200)}`);
      if (!RETRYABLE_STATUSES.has(response.status)) return { kind: 'failed', error };
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        kind: 'retry',
        error,
        afterMillis: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      };
    } catch (error) {
      return { kind: 'retry', error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      clearTimeout(timer);
      this.aborts.delete(controller);
    }
  }

  /** Resolves true after `millis`, false at once when the exporter shuts down. */
  private pause(millis: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.pauses.delete(wake);
        resolve(!this.stopped);
      };
      const timer = setTimeout(wake, millis);
      timer.unref();
      this.pauses.add(wake);
    });
  }
}
