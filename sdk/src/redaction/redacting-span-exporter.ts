import type { Attributes, Link, SpanStatus } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace';
import type { SecretRedactor } from './secret-redactor.ts';

/**
 * Scrubs every span on its way to the real exporter: name, status message, attributes, event and link attributes,
 * resource attributes. It runs in the export batch, off the bot's call path. Spans with nothing to scrub are passed
 * as they are.
 */
export class RedactingSpanExporter implements SpanExporter {
  private readonly resources = new WeakMap<Resource, Resource>();

  private readonly inner: SpanExporter;
  private readonly redactor: SecretRedactor;

  constructor(
    inner: SpanExporter,
    redactor: SecretRedactor,
  ) {
    this.inner = inner;
    this.redactor = redactor;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const scrubbed = this.redactor.enabled ? spans.map((span) => this.redactSpan(span)) : spans;
    this.inner.export(scrubbed, resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  redactSpan(span: ReadableSpan): ReadableSpan {
    const r = this.redactor;
    const name = r.redactText(span.name);
    const attributes = r.redactAttributes(span.attributes);
    const events = mapIfChanged(span.events, (event): TimedEvent => {
      if (!event.attributes) return event;
      const eventAttributes = r.redactAttributes(event.attributes);
      return eventAttributes === event.attributes ? event : { ...event, attributes: eventAttributes };
    });
    const links = mapIfChanged(span.links, (link): Link => {
      if (!link.attributes) return link;
      const linkAttributes = r.redactAttributes(link.attributes);
      return linkAttributes === link.attributes ? link : { ...link, attributes: linkAttributes };
    });
    const status = span.status.message ? redactStatus(span.status, r.redactText(span.status.message)) : span.status;
    const resource = this.redactResource(span.resource);
    if (name === span.name && attributes === span.attributes && events === span.events && links === span.links && status === span.status && resource === span.resource) {
      return span;
    }
    const spanContext = span.spanContext();
    return {
      name,
      kind: span.kind,
      spanContext: () => spanContext,
      parentSpanContext: span.parentSpanContext,
      startTime: span.startTime,
      endTime: span.endTime,
      status,
      attributes,
      links,
      events,
      duration: span.duration,
      ended: span.ended,
      resource,
      instrumentationScope: span.instrumentationScope,
      droppedAttributesCount: span.droppedAttributesCount,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
    };
  }

  private redactResource(resource: Resource): Resource {
    let redacted = this.resources.get(resource);
    if (redacted === undefined) {
      const attributes: Attributes = resource.attributes;
      const scrubbed = this.redactor.redactAttributes(attributes);
      redacted = scrubbed === attributes ? resource : resourceFromAttributes(scrubbed);
      this.resources.set(resource, redacted);
    }
    return redacted;
  }
}

function redactStatus(status: SpanStatus, message: string): SpanStatus {
  return message === status.message ? status : { ...status, message };
}

function mapIfChanged<T>(items: T[], map: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const mapped = map(item);
    if (mapped !== item) (out ??= [...items])[i] = mapped;
  }
  return out ?? items;
}
