import type { ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { readableSpanWith } from './readable-span-copy.ts';

/**
 * For spans made by an app's own tracer provider: merges the bot's identity (`service.name`, `trading.bot.id`, ...
 * from `init()` options) into each span's resource on its way to the collector, so the collector sees the same bot
 * as when the SDK runs its own provider. The bot's attributes win; the app's other resource attributes stay.
 */
export class ResourceMergingSpanExporter implements SpanExporter {
  private readonly merged = new WeakMap<Resource, Resource>();
  private readonly inner: SpanExporter;
  private readonly botResource: Resource;

  constructor(inner: SpanExporter, botResource: Resource) {
    this.inner = inner;
    this.botResource = botResource;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(
      spans.map((span) => readableSpanWith(span, { resource: this.mergedResource(span.resource) })),
      resultCallback,
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  /** Every span of a provider shares one resource: one merge per resource, and the same object each time. */
  private mergedResource(resource: Resource): Resource {
    let merged = this.merged.get(resource);
    if (merged === undefined) {
      merged = resource.merge(this.botResource);
      this.merged.set(resource, merged);
    }
    return merged;
  }
}
