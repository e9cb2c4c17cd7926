import type { IdGenerator } from '@opentelemetry/sdk-trace';

/**
 * Span ids that say who sent them and in which order: `f0` + client index (2 hex digits) + sequence number
 * (12 hex digits). With them the suite can tell, from a SpanId read back from ClickHouse, whether that span was
 * acknowledged to its client, without keeping millions of random ids in memory.
 */
const MARKER = 'f0';
const MAX_CLIENTS = 256;

export interface ClientSpanRef {
  client: number;
  seq: number;
}

export function clientSpanId(client: number, seq: number): string {
  if (!Number.isInteger(client) || client < 0 || client >= MAX_CLIENTS)
    throw new RangeError(`client index ${client} outside 0..${MAX_CLIENTS - 1}`);
  return MARKER + client.toString(16).padStart(2, '0') + seq.toString(16).padStart(12, '0');
}

/** The client and sequence number of a span id made by `clientSpanId`, undefined for any other id. */
export function parseClientSpanId(spanId: string): ClientSpanRef | undefined {
  if (spanId.length !== 16 || !spanId.startsWith(MARKER)) return undefined;
  const client = Number.parseInt(spanId.slice(2, 4), 16);
  const seq = Number.parseInt(spanId.slice(4), 16);
  return Number.isInteger(client) && Number.isInteger(seq) ? { client, seq } : undefined;
}

/** An OTel IdGenerator handing out `clientSpanId(client, 0)`, `(client, 1)`, ...; trace ids are derived from the same counter. */
export function sequentialIdGenerator(client: number): IdGenerator & { readonly next: number } {
  let next = 0;
  return {
    get next() {
      return next;
    },
    generateSpanId() {
      next += 1;
      return clientSpanId(client, next - 1);
    },
    // One trace per span (every span is a root): the trace id names the span that is about to be created.
    generateTraceId() {
      return clientSpanId(client, next).padStart(32, '0');
    },
  };
}
