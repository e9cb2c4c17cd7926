import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** The parts of a span an exporter wrapper may replace on its way out. */
export type ReadableSpanChanges = Partial<
  Pick<ReadableSpan, 'name' | 'status' | 'attributes' | 'events' | 'links' | 'resource'>
>;

/** A plain copy of an ended span with some parts replaced; the original (shared with other processors) is untouched. */
export function readableSpanWith(span: ReadableSpan, changes: ReadableSpanChanges): ReadableSpan {
  const spanContext = span.spanContext();
  return {
    name: changes.name ?? span.name,
    kind: span.kind,
    spanContext: () => spanContext,
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: changes.status ?? span.status,
    attributes: changes.attributes ?? span.attributes,
    links: changes.links ?? span.links,
    events: changes.events ?? span.events,
    duration: span.duration,
    ended: span.ended,
    resource: changes.resource ?? span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
