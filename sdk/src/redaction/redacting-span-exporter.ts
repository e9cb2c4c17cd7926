import type { Attributes, SpanStatus } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { readableSpanWith } from '../export/readable-span-copy.ts';
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_TRADING_OPERATION_NAME } from '../semconv/trading-attributes.ts';
import type { SecretRedactor } from './secret-redactor.ts';

/**
 * Scrubs every span on its way to the real exporter: name, status message, attributes, event and link attributes,
 * resource attributes. It runs in the export batch, off the bot's call path. Spans with nothing to scrub are passed
 * as they are.
 */
export class RedactingSpanExporter implements SpanExporter {
  private readonly resources = new WeakMap<Resource, Resource>();
  private lastResource: Resource | undefined;
  private lastRedactedResource: Resource | undefined;

  private readonly inner: SpanExporter;
  private readonly redactor: SecretRedactor;

  constructor(inner: SpanExporter, redactor: SecretRedactor) {
    this.inner = inner;
    this.redactor = redactor;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.redactor.enabled) {
      const scrubbed = new Array<ReadableSpan>(spans.length);
      for (let i = 0; i < spans.length; i++) scrubbed[i] = this.redactSpan(spans[i]!);
      this.inner.export(scrubbed, resultCallback);
    } else {
      this.inner.export(spans, resultCallback);
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  redactSpan(span: ReadableSpan): ReadableSpan {
    const r = this.redactor;
    // Names of the SDK's own spans are `{operation} {symbol}` / `{operation} {model}`: identifiers, nothing to scrub.
    const madeBySdk =
      span.attributes[ATTR_TRADING_OPERATION_NAME] !== undefined ||
      span.attributes[ATTR_GEN_AI_OPERATION_NAME] !== undefined;
    const name = madeBySdk ? span.name : r.redactText(span.name);
    const attributes = r.redactAttributes(span.attributes);
    const events = span.events.length === 0 ? span.events : this.redactAttributeHolders(span.events);
    const links = span.links.length === 0 ? span.links : this.redactAttributeHolders(span.links);
    const status = span.status.message ? redactStatus(span.status, r.redactText(span.status.message)) : span.status;
    const resource = this.redactResource(span.resource);
    if (
      name === span.name &&
      attributes === span.attributes &&
      events === span.events &&
      links === span.links &&
      status === span.status &&
      resource === span.resource
    ) {
      return span;
    }
    return readableSpanWith(span, { name, status, attributes, links, events, resource });
  }

  /** Events or links with their attributes redacted; the same array when nothing changed. */
  private redactAttributeHolders<T extends { attributes?: Attributes }>(items: T[]): T[] {
    let out: T[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.attributes === undefined) continue;
      const attributes = this.redactor.redactAttributes(item.attributes);
      if (attributes !== item.attributes) (out ??= items.slice())[i] = { ...item, attributes };
    }
    return out ?? items;
  }

  private redactResource(resource: Resource): Resource {
    // Every span of a provider shares one resource: remember the last answer.
    if (resource === this.lastResource) return this.lastRedactedResource!;
    let redacted = this.resources.get(resource);
    if (redacted === undefined) {
      const attributes: Attributes = resource.attributes;
      const scrubbed = this.redactor.redactAttributes(attributes);
      redacted = scrubbed === attributes ? resource : resourceFromAttributes(scrubbed);
      this.resources.set(resource, redacted);
    }
    this.lastResource = resource;
    this.lastRedactedResource = redacted;
    return redacted;
  }
}

function redactStatus(status: SpanStatus, message: string): SpanStatus {
  return message === status.message ? status : { ...status, message };
}
