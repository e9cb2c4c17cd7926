import { isUtf8 } from 'node:buffer';
import {
  RowBinaryWriter,
  SPAN_KIND_NAMES,
  SpanRowKeysBuilder,
  STATUS_CODE_NAMES,
  type SpanRowKeys,
} from '@tradetrace/storage';
import { emptyAttributes, renderAnyValue, renderNumber, type AnyValue } from './any-value-rendering.ts';
import { OtlpDecodeError } from './decoded-spans.ts';
import { Fixed64Time } from './fixed64-time.ts';
import { limitName, MAX_REPEATED_ROW_BYTES, type IngestLimits, type MappingOutcome } from './ingest-limits.ts';
import { MessagePositions } from './message-positions.ts';
import { NamedIdentities } from './named-identities.ts';
import { I64, LEN, readAnyValue, readResource, readScope, tag, VARINT } from './otlp-protobuf-common.ts';
import { ProtobufWireReader } from './protobuf-wire-reader.ts';
import { SPAN_PROBLEMS } from './span-row-mapper.ts';

/** A trace request's spans as `otel_traces` rows in RowBinary (SPAN_ROW_LAYOUT), with what was refused or cut. */
export interface TranscodedSpans extends MappingOutcome {
  rowBinary: Buffer;
  rowCount: number;
  /** Where each row begins and its `otel_traces` sorting key. */
  keys: SpanRowKeys;
  /** Spans in the request, refused ones included. */
  itemCount: number;
  /** Each resource's attributes, in request order. */
  resources: Record<string, string>[];
  /** The services and bots the resources and stored spans and span events name (for token bindings). */
  identities: NamedIdentities;
  /** Bytes the rows repeat: each scope's resource and scope bytes times its spans (see MAX_REPEATED_ROW_BYTES). */
  repeatedBytes: number;
}

/**
 * Transcodes an `ExportTraceServiceRequest` (field numbers from opentelemetry-proto's trace.proto) from protobuf
 * straight into the RowBinary rows the engine inserts, without a JavaScript object per span: strings and ids are
 * copied from the request's bytes (UTF-8 checked, ids as hex), only non-string attribute values are rendered. The
 * rows and refusals are those of the JSON path (decode, `mapToSpanRows`, encode), which tests hold it to. Spans
 * are counted first: past `maxItemsPerRequest`, or MAX_REPEATED_ROW_BYTES, none is transcoded (the caller refuses
 * the request). Two leniencies against that path: a refused span's content is not examined further, and of a field
 * sent twice only the kept occurrence is checked. Throws OtlpDecodeError on malformed input.
 */
export function transcodeTraceRequest(body: Buffer, limits: IngestLimits): TranscodedSpans {
  return new SpanTranscoder(body, limits).run();
}

/** The spans of one scope: `[start, end)` pairs, and the bytes every one of its rows repeats. */
interface LocatedScope {
  /** ServiceName and ResourceAttributes in RowBinary. */
  resource: Buffer;
  /** ServiceName's RowBinary as latin1 text: its rows' part of the sorting key. */
  serviceKey: string;
  /** ScopeName and ScopeVersion in RowBinary. */
  scope: Buffer;
  spans: MessagePositions;
}

/** Where a field's bytes are in the body: `[start, end)`; -1 when the field is absent. */
interface Range {
  start: number;
  end: number;
}

const ABSENT = -1;
const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;

/** One span's fields, as positions in the body; reused from span to span. */
class SpanFields {
  traceId: Range = { start: ABSENT, end: ABSENT };
  spanId: Range = { start: ABSENT, end: ABSENT };
  parentSpanId: Range = { start: ABSENT, end: ABSENT };
  traceState: Range = { start: ABSENT, end: ABSENT };
  name: Range = { start: ABSENT, end: ABSENT };
  kind = 0;
  readonly start = new Fixed64Time();
  readonly end = new Fixed64Time();
  /** Its KeyValue, Event and Link messages. */
  readonly attributes = new MessagePositions();
  readonly events = new MessagePositions();
  readonly links = new MessagePositions();
  statusCode = 0;
  statusMessage: Range = { start: ABSENT, end: ABSENT };

  reset(): void {
    this.traceId.start =
      this.spanId.start =
      this.parentSpanId.start =
      this.traceState.start =
      this.name.start =
      this.statusMessage.start =
        ABSENT;
    this.kind = 0;
    this.start.clear();
    this.end.clear();
    this.attributes.clear();
    this.events.clear();
    this.links.clear();
    this.statusCode = 0;
  }
}

/** One event's fields; reused from event to event (an event is read again for each column it fills). */
class EventFields {
  readonly time = new Fixed64Time();
  name: Range = { start: ABSENT, end: ABSENT };
  readonly attributes = new MessagePositions();
}

/** One link's fields; reused from link to link. */
class LinkFields {
  traceId: Range = { start: ABSENT, end: ABSENT };
  spanId: Range = { start: ABSENT, end: ABSENT };
  traceState: Range = { start: ABSENT, end: ABSENT };
  readonly attributes = new MessagePositions();
}

class SpanTranscoder {
  private readonly body: Buffer;
  private readonly limits: IngestLimits;
  private readonly reader: ProtobufWireReader;
  private readonly writer: RowBinaryWriter;
  private readonly outcome: MappingOutcome = { rejected: 0, rejectionMessage: '', truncated: 0 };
  private readonly span = new SpanFields();
  private readonly event = new EventFields();
  private readonly link = new LinkFields();
  private readonly attributeScratch = new AttributeScratch();
  private readonly identities = new NamedIdentities();
  // Readers pointed at one message after another: spans, their events and links, attributes, attribute values.
  private readonly spanReader: ProtobufWireReader;
  private readonly itemReader: ProtobufWireReader;
  private readonly keyValueReader: ProtobufWireReader;
  private readonly valueReader: ProtobufWireReader;
  private keys = new SpanRowKeysBuilder(0);
  /** The service and where the written name of the row before are (no row before: an empty range and no service). */
  private lastServiceKey: string | undefined;
  private readonly lastName: Range = { start: 0, end: 0 };
  private rowCount = 0;
  private itemCount = 0;
  /** Where `attributeValue` found a string value's bytes. */
  private valueStart = ABSENT;
  private valueEnd = ABSENT;

  constructor(body: Buffer, limits: IngestLimits) {
    this.body = body;
    this.limits = limits;
    this.reader = new ProtobufWireReader(body);
    this.spanReader = new ProtobufWireReader(body);
    this.itemReader = new ProtobufWireReader(body);
    this.keyValueReader = new ProtobufWireReader(body);
    this.valueReader = new ProtobufWireReader(body);
    // Resource attributes repeat in every row and ids double as hex: rows come out 10-15% larger than the request in
    // the benchmark's shapes. The rows stay in memory until inserted, so the buffer starts close to that, not at double.
    this.writer = new RowBinaryWriter(4096 + Math.ceil(body.length * 1.25));
  }

  run(): TranscodedSpans {
    const resources: Record<string, string>[] = [];
    const scopes: LocatedScope[] = [];
    const reader = this.reader;
    while (!reader.done) {
      const t = reader.tag();
      if (t === tag(1, LEN)) {
        const start = reader.skipDelimited();
        resources.push(this.resourceSpans(start, reader.pos, scopes));
      } else reader.skip(t & 7);
    }
    // Counted before any row is made, so that an oversized request costs no more than this walk.
    const repeatedBytes = scopes.reduce(
      (sum, { resource, scope, spans }) => sum + spans.length * (resource.length + scope.length),
      0,
    );
    if (this.itemCount <= this.limits.maxItemsPerRequest && repeatedBytes <= MAX_REPEATED_ROW_BYTES) {
      this.keys = new SpanRowKeysBuilder(this.itemCount);
      for (const located of scopes) {
        const spans = located.spans;
        for (let i = 0; i < spans.length; i += 1) this.spanRow(spans.start(i), spans.end(i), located);
      }
    }
    const rowBinary = this.writer.bytes();
    return {
      ...this.outcome,
      rowBinary,
      rowCount: this.rowCount,
      keys: this.keys.finish(rowBinary.length),
      itemCount: this.itemCount,
      resources,
      identities: this.identities,
      repeatedBytes,
    };
  }

  /** A `ResourceSpans`: its resource (the wire may carry it after the spans) and where its scopes' spans are. */
  private resourceSpans(start: number, end: number, scopes: LocatedScope[]): Record<string, string> {
    const attributes = emptyAttributes();
    const scopeSpans = this.headerAndChildren(start, end, (header) => readResource(header, attributes));
    this.identities.noteResource(attributes);
    const shared = new RowBinaryWriter(256);
    shared.string(limitName(attributes['service.name'] ?? '', this.limits, this.outcome));
    const serviceKey = shared.latin1(0, shared.size);
    shared.stringMap(attributes);
    const resource = Buffer.from(shared.bytes());
    for (let i = 0; i < scopeSpans.length; i += 1)
      scopes.push(this.scopeSpans(scopeSpans.start(i), scopeSpans.end(i), resource, serviceKey));
    return attributes;
  }

  /** A `ScopeSpans`: its scope (also possibly after the spans) and where its spans are. */
  private scopeSpans(start: number, end: number, resource: Buffer, serviceKey: string): LocatedScope {
    const scope = { name: '', version: '' };
    const spans = this.headerAndChildren(start, end, (header) => readScope(header, scope));
    const shared = new RowBinaryWriter(64);
    shared.string(scope.name);
    shared.string(scope.version);
    this.itemCount += spans.length;
    return { resource, serviceKey, scope: Buffer.from(shared.bytes()), spans };
  }

  /**
   * A `ResourceSpans` or `ScopeSpans` message: field 1 (its resource or scope) goes to `readHeader`, each time it
   * occurs; field 2's occurrences (its scopes or spans) come back as positions.
   */
  private headerAndChildren(
    start: number,
    end: number,
    readHeader: (header: ProtobufWireReader) => void,
  ): MessagePositions {
    const reader = new ProtobufWireReader(this.body, start, end);
    const children = new MessagePositions();
    while (!reader.done) {
      const t = reader.tag();
      if (t === tag(1, LEN)) readHeader(reader.message());
      else if (t === tag(2, LEN)) children.push(reader.skipDelimited(), reader.pos);
      else reader.skip(t & 7);
    }
    return children;
  }

  private spanRow(start: number, end: number, { resource, serviceKey, scope }: LocatedScope): void {
    const span = this.readSpan(start, end);
    const problem = this.findProblem(span);
    if (problem !== undefined) {
      if (this.outcome.rejected === 0) this.outcome.rejectionMessage = problem(this.text(span.name));
      this.outcome.rejected += 1;
      return;
    }
    const w = this.writer;
    const body = this.body;
    const rowStart = w.size;
    w.int64Halves(span.start.high, span.start.low);
    w.hex(body, span.traceId.start, span.traceId.end);
    w.hex(body, span.spanId.start, span.spanId.end);
    this.hexOrEmpty(span.parentSpanId);
    this.string(span.traceState);
    const nameStart = w.size;
    this.name(span.name);
    this.addKey(rowStart, serviceKey, nameStart, w.size, span.start.seconds());
    w.string(SPAN_KIND_NAMES[span.kind] ?? 'Unspecified');
    w.raw(resource);
    w.raw(scope);
    this.attributes(span.attributes, true);
    w.uint64(Math.max(span.end.minus(span.start), 0));
    w.string(STATUS_CODE_NAMES[span.statusCode] ?? 'Unset');
    this.string(span.statusMessage);
    const events = span.events.length;
    w.length(events);
    for (let i = 0; i < events; i += 1) {
      const { time } = this.readEvent(i);
      w.int64Halves(time.high, time.low);
    }
    w.length(events);
    for (let i = 0; i < events; i += 1) this.name(this.readEvent(i).name);
    w.length(events);
    for (let i = 0; i < events; i += 1) this.attributes(this.readEvent(i).attributes, true);
    const links = span.links.length;
    w.length(links);
    for (let i = 0; i < links; i += 1) {
      const { traceId } = this.readLink(i);
      w.hex(body, traceId.start, traceId.end);
    }
    w.length(links);
    for (let i = 0; i < links; i += 1) {
      const { spanId } = this.readLink(i);
      w.hex(body, spanId.start, spanId.end);
    }
    w.length(links);
    for (let i = 0; i < links; i += 1) this.string(this.readLink(i).traceState);
    w.length(links);
    for (let i = 0; i < links; i += 1) this.attributes(this.readLink(i).attributes, false);
    this.rowCount += 1;
  }

  /**
   * The row's sorting key. Its names are those of the row before when the service and the written name's bytes are
   * the same (consecutive spans often share a name): then no text is made to look them up.
   */
  private addKey(rowStart: number, serviceKey: string, nameStart: number, nameEnd: number, seconds: number): void {
    const last = this.lastName;
    if (serviceKey === this.lastServiceKey && this.writer.equalBytes(last.start, last.end, nameStart, nameEnd)) {
      this.keys.addLikeLast(rowStart, seconds);
    } else {
      this.keys.add(rowStart, serviceKey, this.writer.latin1(nameStart, nameEnd), seconds);
      this.lastServiceKey = serviceKey;
    }
    last.start = nameStart;
    last.end = nameEnd;
  }

  private readSpan(start: number, end: number): SpanFields {
    const span = this.span;
    span.reset();
    const reader = this.spanReader.at(start, end);
    while (!reader.done) {
      const t = reader.tag();
      switch (t) {
        case tag(1, LEN):
          delimited(reader, span.traceId);
          break;
        case tag(2, LEN):
          delimited(reader, span.spanId);
          break;
        case tag(3, LEN):
          delimited(reader, span.traceState);
          break;
        case tag(4, LEN):
          delimited(reader, span.parentSpanId);
          break;
        case tag(5, LEN):
          delimited(reader, span.name);
          break;
        case tag(6, VARINT):
          span.kind = reader.uint32();
          break;
        case tag(7, I64):
          span.start.read(reader);
          break;
        case tag(8, I64):
          span.end.read(reader);
          break;
        case tag(9, LEN):
          span.attributes.push(reader.skipDelimited(), reader.pos);
          break;
        case tag(11, LEN):
          span.events.push(reader.skipDelimited(), reader.pos);
          break;
        case tag(13, LEN):
          span.links.push(reader.skipDelimited(), reader.pos);
          break;
        case tag(15, LEN): {
          const outerEnd = reader.enter();
          this.readStatus(reader, span);
          reader.leave(outerEnd);
          break;
        }
        default:
          reader.skip(t & 7);
      }
    }
    return span;
  }

  private readStatus(reader: ProtobufWireReader, span: SpanFields): void {
    while (!reader.done) {
      const t = reader.tag();
      if (t === tag(2, LEN)) delimited(reader, span.statusMessage);
      else if (t === tag(3, VARINT)) span.statusCode = reader.uint32();
      else reader.skip(t & 7);
    }
  }

  /** The span's `i`th event, read into the reused EventFields. */
  private readEvent(i: number): EventFields {
    const event = this.event;
    event.time.clear();
    event.name.start = event.name.end = ABSENT;
    event.attributes.clear();
    const reader = this.itemReader.at(this.span.events.start(i), this.span.events.end(i));
    while (!reader.done) {
      const t = reader.tag();
      if (t === tag(1, I64)) event.time.read(reader);
      else if (t === tag(2, LEN)) delimited(reader, event.name);
      else if (t === tag(3, LEN)) event.attributes.push(reader.skipDelimited(), reader.pos);
      else reader.skip(t & 7);
    }
    return event;
  }

  /** The span's `i`th link, read into the reused LinkFields. */
  private readLink(i: number): LinkFields {
    const link = this.link;
    link.traceId.start =
      link.traceId.end =
      link.spanId.start =
      link.spanId.end =
      link.traceState.start =
      link.traceState.end =
        ABSENT;
    link.attributes.clear();
    const reader = this.itemReader.at(this.span.links.start(i), this.span.links.end(i));
    while (!reader.done) {
      const t = reader.tag();
      if (t === tag(1, LEN)) delimited(reader, link.traceId);
      else if (t === tag(2, LEN)) delimited(reader, link.spanId);
      else if (t === tag(3, LEN)) delimited(reader, link.traceState);
      else if (t === tag(4, LEN)) link.attributes.push(reader.skipDelimited(), reader.pos);
      else reader.skip(t & 7);
    }
    return link;
  }

  /**
   * The refusal message for the span's name, or undefined when it is stored; same checks and order as the JSON path.
   * Every event and link is read first (a malformed one refuses the request), as the JSON path decodes them all.
   */
  private findProblem(span: SpanFields): ((name: string) => string) | undefined {
    let eventTimesStorable = true;
    for (let i = 0; i < span.events.length; i += 1) {
      const storable = this.readEvent(i).time.isStorable();
      eventTimesStorable &&= storable;
    }
    let linkIdsValid = true;
    for (let i = 0; i < span.links.length; i += 1) {
      const link = this.readLink(i);
      const valid = this.isId(link.traceId, TRACE_ID_BYTES, true) && this.isId(link.spanId, SPAN_ID_BYTES, true);
      linkIdsValid &&= valid;
    }
    if (!span.start.isStorable() || !eventTimesStorable) return SPAN_PROBLEMS.time;
    if (!this.isId(span.traceId, TRACE_ID_BYTES, false)) return SPAN_PROBLEMS.traceId;
    if (!this.isId(span.spanId, SPAN_ID_BYTES, false)) return SPAN_PROBLEMS.spanId;
    const parent = span.parentSpanId;
    if (parent.start !== ABSENT && parent.end > parent.start && !this.isId(parent, SPAN_ID_BYTES, true))
      return SPAN_PROBLEMS.parentSpanId;
    if (!linkIdsValid) return SPAN_PROBLEMS.link;
    return undefined;
  }

  private isId(range: Range, bytes: number, zeroAllowed: boolean): boolean {
    if (range.start === ABSENT || range.end - range.start !== bytes) return false;
    if (zeroAllowed) return true;
    for (let i = range.start; i < range.end; i += 1) if (this.body[i] !== 0) return true;
    return false;
  }

  private hexOrEmpty(range: Range): void {
    if (range.start === ABSENT) this.writer.length(0);
    else this.writer.hex(this.body, range.start, range.end);
  }

  /** A string field as it is, after checking it is UTF-8. */
  private string(range: Range): void {
    if (range.start === ABSENT) {
      this.writer.length(0);
      return;
    }
    checkUtf8(this.body, range.start, range.end);
    this.writer.stringBytes(this.body, range.start, range.end);
  }

  /** A span or event name, cut at `maxNameLength` characters as the JSON path cuts it. */
  private name(range: Range): void {
    if (range.start === ABSENT || range.end - range.start <= this.limits.maxNameLength) this.string(range);
    else this.writer.string(limitName(this.text(range), this.limits, this.outcome));
  }

  private text(range: Range): string {
    if (range.start === ABSENT) return '';
    checkUtf8(this.body, range.start, range.end);
    return this.body.toString('utf8', range.start, range.end);
  }

  /**
   * A Map(String, String) of KeyValue messages: the first of a duplicated key wins, and (`ofItem`, for span and
   * event attributes) only the first `maxAttributesPerItem` keys are kept, values cut at `maxAttributeValueLength`,
   * and the service or bot the kept ones name is noted. Every value is checked, kept or not, as the JSON path
   * decodes every one.
   */
  private attributes(positions: MessagePositions, ofItem: boolean): void {
    const scratch = this.attributeScratch;
    scratch.clear();
    const maxKept = ofItem ? this.limits.maxAttributesPerItem : Number.POSITIVE_INFINITY;
    const maxLength = ofItem ? this.limits.maxAttributeValueLength : Number.POSITIVE_INFINITY;
    for (let i = 0; i < positions.length; i += 1) {
      const reader = this.keyValueReader.at(positions.start(i), positions.end(i));
      let keyStart = ABSENT;
      let keyEnd = ABSENT;
      let valueStart = ABSENT;
      let valueEnd = ABSENT;
      /** Ranges of the value field when it occurs more than once (its occurrences merge). */
      let repeatedValues: number[] | undefined;
      while (!reader.done) {
        const t = reader.tag();
        if (t === tag(1, LEN)) {
          keyStart = reader.skipDelimited();
          keyEnd = reader.pos;
          checkUtf8(this.body, keyStart, keyEnd);
        } else if (t === tag(2, LEN)) {
          if (valueStart !== ABSENT) repeatedValues ??= [valueStart, valueEnd];
          valueStart = reader.skipDelimited();
          valueEnd = reader.pos;
          repeatedValues?.push(valueStart, valueEnd);
        } else reader.skip(t & 7);
      }
      let rendered = repeatedValues
        ? this.mergedAttributeValue(repeatedValues)
        : this.attributeValue(valueStart, valueEnd);
      if (scratch.has(this.body, keyStart, keyEnd)) continue;
      if (scratch.size >= maxKept) {
        scratch.remember(this.body, keyStart, keyEnd);
        this.outcome.truncated += 1;
        continue;
      }
      // Bytes are at least as many as characters: string bytes within the limit need no look at their characters.
      if (rendered === undefined && this.valueEnd - this.valueStart > maxLength)
        rendered = this.text({ start: this.valueStart, end: this.valueEnd });
      if (rendered !== undefined) rendered = cut(rendered, maxLength, this.outcome);
      // Where the key and value are already at hand: past its length check, an attribute costs nothing more here.
      if (ofItem) this.identities.noteKeyValue(this.body, keyStart, keyEnd, rendered, this.valueStart, this.valueEnd);
      if (rendered !== undefined) scratch.add(this.body, keyStart, keyEnd, rendered, ABSENT, ABSENT);
      else scratch.add(this.body, keyStart, keyEnd, undefined, this.valueStart, this.valueEnd);
    }
    const w = this.writer;
    w.length(scratch.size);
    for (let i = 0; i < scratch.size; i += 1) {
      const keyStart = scratch.keyStarts[i]!;
      if (keyStart === ABSENT) w.length(0);
      else w.stringBytes(this.body, keyStart, scratch.keyEnds[i]!);
      const rendered = scratch.rendered[i];
      if (rendered !== undefined) w.string(rendered);
      else w.stringBytes(this.body, scratch.valueStarts[i]!, scratch.valueEnds[i]!);
    }
  }

  /** The text of an AnyValue field that occurs more than once: protobuf reads the occurrences merged, in order. */
  private mergedAttributeValue(ranges: readonly number[]): string {
    let value: AnyValue = null;
    for (let i = 0; i < ranges.length; i += 2)
      value = readAnyValue(this.valueReader.at(ranges[i]!, ranges[i + 1]!), 0, value);
    return renderAnyValue(value);
  }

  /**
   * An AnyValue as its text: undefined when it holds just a string, whose bytes (UTF-8 checked) are then at
   * `valueStart`..`valueEnd`; a lone number or bool is rendered here, anything else by renderAnyValue (as the
   * contrib exporter renders numbers, bools, bytes, arrays and maps).
   */
  private attributeValue(start: number, end: number): string | undefined {
    if (start === ABSENT) return '';
    const reader = this.valueReader.at(start, end);
    if (!reader.done) {
      const t = reader.tag();
      if (t === tag(1, LEN)) {
        this.valueStart = reader.skipDelimited();
        this.valueEnd = reader.pos;
        if (reader.done) {
          checkUtf8(this.body, this.valueStart, this.valueEnd);
          return undefined;
        }
      } else if (t === tag(2, VARINT) || t === tag(3, VARINT) || t === tag(4, I64)) {
        const value =
          t === tag(2, VARINT)
            ? String(reader.bool())
            : t === tag(3, VARINT)
              ? reader.int64Text()
              : renderNumber(reader.double());
        if (reader.done) return value;
      }
    }
    return renderAnyValue(readAnyValue(reader.at(start, end)));
  }
}

/**
 * The kept entries of one attribute map. The keys seen (kept or dropped) are remembered so that a later duplicate
 * neither counts against the limit nor replaces the first: compared as bytes while maps are small (no strings made),
 * in a set of their bytes as latin1 text (one character per byte: equal text, equal bytes) past that.
 */
class AttributeScratch {
  keyStarts: number[] = [];
  keyEnds: number[] = [];
  valueStarts: number[] = [];
  valueEnds: number[] = [];
  rendered: (string | undefined)[] = [];
  size = 0;
  /**
   * `[start, end)` pairs of the keys seen, in the first `seenLength` entries. The array is not truncated between
   * maps: that gave back its storage, and growing it again was most of the transcoder's garbage.
   */
  private readonly seen: number[] = [];
  private seenLength = 0;
  private seenSet: Set<string> | undefined;

  clear(): void {
    this.size = 0;
    this.seenLength = 0;
    this.seenSet = undefined;
  }

  has(body: Buffer, start: number, end: number): boolean {
    if (this.seenSet) return this.seenSet.has(body.toString('latin1', start, end));
    const seen = this.seen;
    const length = end - start;
    for (let k = 0; k < this.seenLength; k += 2) {
      const from = seen[k]!;
      if (seen[k + 1]! - from !== length) continue;
      // From the end: keys share prefixes (`trading.`) far more often than endings.
      let i = length - 1;
      while (i >= 0 && body[from + i] === body[start + i]) i -= 1;
      if (i < 0) return true;
    }
    return false;
  }

  /** Keeps a key and its value: text, or else the range of a string's bytes. */
  add(
    body: Buffer,
    keyStart: number,
    keyEnd: number,
    rendered: string | undefined,
    valueStart: number,
    valueEnd: number,
  ): void {
    this.remember(body, keyStart, keyEnd);
    const i = this.size++;
    this.keyStarts[i] = keyStart;
    this.keyEnds[i] = keyEnd;
    this.rendered[i] = rendered;
    this.valueStarts[i] = valueStart;
    this.valueEnds[i] = valueEnd;
  }

  /** Notes a key as seen, kept or not. */
  remember(body: Buffer, start: number, end: number): void {
    if (this.seenSet) {
      this.seenSet.add(body.toString('latin1', start, end));
      return;
    }
    this.seen[this.seenLength++] = start;
    this.seen[this.seenLength++] = end;
    if (this.seenLength <= 2 * SMALL_MAP) return;
    this.seenSet = new Set();
    for (let k = 0; k < this.seenLength; k += 2)
      this.seenSet.add(body.toString('latin1', this.seen[k]!, this.seen[k + 1]!));
  }
}

/** Attribute maps up to this many keys look duplicates up by comparing bytes (cheaper than a set at these sizes). */
const SMALL_MAP = 16;

function cut(value: string, maxLength: number, outcome: MappingOutcome): string {
  if (value.length <= maxLength) return value;
  outcome.truncated += 1;
  return value.slice(0, maxLength);
}

/** Reads a length-delimited field into `range` (a repeated scalar field: the last occurrence wins). */
function delimited(reader: ProtobufWireReader, range: Range): void {
  range.start = reader.skipDelimited();
  range.end = reader.pos;
}

/** Refuses bytes that are not UTF-8, as the decoders refuse such string fields. ASCII, the common case, is a scan. */
function checkUtf8(body: Buffer, start: number, end: number): void {
  for (let i = start; i < end; i += 1) {
    if (body[i]! >= 0x80) {
      if (!isUtf8(body.subarray(start, end))) throw new OtlpDecodeError('string field is not valid UTF-8');
      return;
    }
  }
}
