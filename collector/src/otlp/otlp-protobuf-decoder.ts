import { emptyAttributes } from './any-value-rendering.ts';
import type { DecodedEvent, DecodedLink, DecodedResourceSpans, DecodedScope, DecodedSpan } from './decoded-spans.ts';
import { I64, LEN, readKeyValueField, readResource, readScope, tag, VARINT } from './otlp-protobuf-common.ts';
import { ProtobufWireReader } from './protobuf-wire-reader.ts';

/** Decodes an `ExportTraceServiceRequest` (field numbers from opentelemetry-proto's trace.proto) from protobuf bytes. Throws OtlpDecodeError on malformed input. */
export function decodeTraceRequestProtobuf(body: Buffer): DecodedResourceSpans[] {
  const reader = new ProtobufWireReader(body);
  const out: DecodedResourceSpans[] = [];
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) out.push(readResourceSpans(reader.message()));
    else reader.skip(t & 7);
  }
  return out;
}

function readResourceSpans(reader: ProtobufWireReader): DecodedResourceSpans {
  const result: DecodedResourceSpans = { resourceAttributes: emptyAttributes(), scopeSpans: [] };
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) readResource(reader.message(), result.resourceAttributes);
    else if (t === tag(2, LEN)) result.scopeSpans.push(readScopeSpans(reader.message()));
    else reader.skip(t & 7);
  }
  return result;
}

function readScopeSpans(reader: ProtobufWireReader): { scope: DecodedScope; spans: DecodedSpan[] } {
  const scope: DecodedScope = { name: '', version: '' };
  const spans: DecodedSpan[] = [];
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) readScope(reader.message(), scope);
    else if (t === tag(2, LEN)) {
      const outerEnd = reader.enter();
      spans.push(readSpan(reader));
      reader.leave(outerEnd);
    }
    else reader.skip(t & 7);
  }
  return { scope, spans };
}

function readSpan(reader: ProtobufWireReader): DecodedSpan {
  const span: DecodedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: emptyAttributes(),
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
  while (!reader.done) {
    const t = reader.tag();
    switch (t) {
      case tag(1, LEN): span.traceId = reader.hex(); break;
      case tag(2, LEN): span.spanId = reader.hex(); break;
      case tag(3, LEN): span.traceState = reader.string(); break;
      case tag(4, LEN): span.parentSpanId = reader.hex(); break;
      case tag(5, LEN): span.name = reader.recurringString(false); break;
      case tag(6, VARINT): span.kind = reader.uint32(); break;
      case tag(7, I64): span.startTimeUnixNano = reader.fixed64(); break;
      case tag(8, I64): span.endTimeUnixNano = reader.fixed64(); break;
      case tag(9, LEN): readKeyValueField(reader, span.attributes); break;
      case tag(11, LEN): {
        const outerEnd = reader.enter();
        span.events.push(readEvent(reader));
        reader.leave(outerEnd);
        break;
      }
      case tag(13, LEN): span.links.push(readLink(reader.message())); break;
      case tag(15, LEN): readStatus(reader.message(), span); break;
      default: reader.skip(t & 7);
    }
  }
  return span;
}

function readEvent(reader: ProtobufWireReader): DecodedEvent {
  const event: DecodedEvent = { timeUnixNano: 0n, name: '', attributes: emptyAttributes() };
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, I64)) event.timeUnixNano = reader.fixed64();
    else if (t === tag(2, LEN)) event.name = reader.recurringString(false);
    else if (t === tag(3, LEN)) readKeyValueField(reader, event.attributes);
    else reader.skip(t & 7);
  }
  return event;
}

function readLink(reader: ProtobufWireReader): DecodedLink {
  const link: DecodedLink = { traceId: '', spanId: '', traceState: '', attributes: emptyAttributes() };
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(1, LEN)) link.traceId = reader.hex();
    else if (t === tag(2, LEN)) link.spanId = reader.hex();
    else if (t === tag(3, LEN)) link.traceState = reader.string();
    else if (t === tag(4, LEN)) readKeyValueField(reader, link.attributes);
    else reader.skip(t & 7);
  }
  return link;
}

function readStatus(reader: ProtobufWireReader, span: DecodedSpan): void {
  while (!reader.done) {
    const t = reader.tag();
    if (t === tag(2, LEN)) span.statusMessage = reader.string();
    else if (t === tag(3, VARINT)) span.statusCode = reader.uint32();
    else reader.skip(t & 7);
  }
}
