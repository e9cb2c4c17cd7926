/**
 * What the JSON trace decoder produces: spans with their ids as lower-case hex, times as unix nanoseconds, attribute
 * values already rendered as the contrib ClickHouse exporter renders them (strings), for `mapToSpanRows`. Protobuf
 * requests skip this shape: they are transcoded straight into rows (otlp-protobuf-span-transcoder.ts), which tests
 * hold to the same rows, refusals and messages.
 */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, string>;
  events: DecodedEvent[];
  links: DecodedLink[];
  statusCode: number;
  statusMessage: string;
}

export interface DecodedEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Record<string, string>;
}

export interface DecodedLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Record<string, string>;
}

export interface DecodedScope {
  name: string;
  version: string;
}

/** One resource with its scopes' spans, in request order. */
export interface DecodedResourceSpans {
  resourceAttributes: Record<string, string>;
  scopeSpans: { scope: DecodedScope; spans: DecodedSpan[] }[];
}

/** Thrown by a decoder for input that is not a valid request at all (answered with 400). */
export class OtlpDecodeError extends Error {
  readonly code = 'TT_COLLECTOR_UNDECODABLE';

  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}
