import { SPAN_KIND_NAMES, STATUS_CODE_NAMES, type SpanRow } from '@tradetrace/storage';
import type { DecodedResourceSpans, DecodedSpan } from './decoded-spans.ts';
import { applyAttributeLimits, limitName, type IngestLimits, type MappedRows } from './ingest-limits.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
// Most spans have no events and no links: their rows share one empty array (rows are not modified once mapped).
const NONE: never[] = [];

/** Flattens decoded requests into `otel_traces` rows; spans with invalid ids are refused one by one. */
export function mapToSpanRows(resources: readonly DecodedResourceSpans[], limits: IngestLimits): MappedRows<SpanRow> {
  const result: MappedRows<SpanRow> = { rows: [], rejected: 0, rejectionMessage: '', truncated: 0 };
  for (const resource of resources) {
    const serviceName = limitName(resource.resourceAttributes['service.name'] ?? '', limits, result);
    for (const { scope, spans } of resource.scopeSpans) {
      for (const span of spans) {
        const problem = findProblem(span);
        if (problem !== undefined) {
          if (result.rejected === 0) result.rejectionMessage = problem;
          result.rejected += 1;
          continue;
        }
        result.truncated += applyAttributeLimits(span.attributes, limits);
        for (const event of span.events) result.truncated += applyAttributeLimits(event.attributes, limits);
        const duration = span.endTimeUnixNano - span.startTimeUnixNano;
        const events = span.events.length > 0;
        const links = span.links.length > 0;
        result.rows.push({
          Timestamp: span.startTimeUnixNano.toString(),
          TraceId: span.traceId,
          SpanId: span.spanId,
          ParentSpanId: span.parentSpanId,
          TraceState: span.traceState,
          SpanName: limitName(span.name, limits, result),
          SpanKind: SPAN_KIND_NAMES[span.kind] ?? 'Unspecified',
          ServiceName: serviceName,
          ResourceAttributes: resource.resourceAttributes,
          ScopeName: scope.name,
          ScopeVersion: scope.version,
          SpanAttributes: span.attributes,
          Duration: duration > 0n ? Number(duration) : 0,
          StatusCode: STATUS_CODE_NAMES[span.statusCode] ?? 'Unset',
          StatusMessage: span.statusMessage,
          'Events.Timestamp': events ? span.events.map((e) => e.timeUnixNano.toString()) : NONE,
          'Events.Name': events ? span.events.map((e) => limitName(e.name, limits, result)) : NONE,
          'Events.Attributes': events ? span.events.map((e) => e.attributes) : NONE,
          'Links.TraceId': links ? span.links.map((l) => l.traceId) : NONE,
          'Links.SpanId': links ? span.links.map((l) => l.spanId) : NONE,
          'Links.TraceState': links ? span.links.map((l) => l.traceState) : NONE,
          'Links.Attributes': links ? span.links.map((l) => l.attributes) : NONE,
        });
      }
    }
  }
  return result;
}

/**
 * Times ClickHouse reads back exactly from a decimal nanosecond count: 19 digits. Shorter numbers are parsed as
 * seconds or as dates (or refused), and DateTime64(9) ends in April 2262 at the largest signed 64-bit count.
 * So 2001-09-09 up to 2262 is accepted; a telemetry time outside it is a client's clock or encoding error.
 */
export const MIN_TIMESTAMP_NS = 1_000_000_000_000_000_000n;
export const MAX_TIMESTAMP_NS = 0x7fff_ffff_ffff_ffffn;

export function isStorableTime(ns: bigint): boolean {
  return ns >= MIN_TIMESTAMP_NS && ns <= MAX_TIMESTAMP_NS;
}

/** Why a span is refused, checked in this order; both protobuf and JSON requests are refused with these messages. */
export const SPAN_PROBLEMS = {
  time: (name: string) =>
    `span "${name}": start and event times must lie between 2001-09-09 and 2262 (unix nanoseconds)`,
  traceId: (name: string) => `span "${name}": traceId must be 16 bytes, not all zero`,
  spanId: (name: string) => `span "${name}": spanId must be 8 bytes, not all zero`,
  parentSpanId: (name: string) => `span "${name}": parentSpanId must be empty or 8 bytes`,
  link: (name: string) => `span "${name}": a link has an invalid traceId or spanId`,
};

function findProblem(span: DecodedSpan): string | undefined {
  if (!isStorableTime(span.startTimeUnixNano) || span.events.some((e) => !isStorableTime(e.timeUnixNano)))
    return SPAN_PROBLEMS.time(span.name);
  if (!TRACE_ID.test(span.traceId) || span.traceId === ZERO_TRACE_ID) return SPAN_PROBLEMS.traceId(span.name);
  if (!SPAN_ID.test(span.spanId) || span.spanId === ZERO_SPAN_ID) return SPAN_PROBLEMS.spanId(span.name);
  if (span.parentSpanId !== '' && !SPAN_ID.test(span.parentSpanId)) return SPAN_PROBLEMS.parentSpanId(span.name);
  for (const link of span.links) {
    if (!TRACE_ID.test(link.traceId) || !SPAN_ID.test(link.spanId)) return SPAN_PROBLEMS.link(span.name);
  }
  return undefined;
}
