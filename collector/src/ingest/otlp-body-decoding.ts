import type { LogRow, SpanRow } from '@tradetrace/storage';
import type { BodyEncoding, TelemetrySignal } from '../spool/spool-record.ts';
import { partialSuccessMessage, type IngestLimits, type MappedRows } from '../otlp/ingest-limits.ts';
import { mapToLogRows } from '../otlp/log-row-mapper.ts';
import { decodeLogsRequestJson } from '../otlp/otlp-logs-json-decoder.ts';
import { decodeLogsRequestProtobuf } from '../otlp/otlp-logs-protobuf-decoder.ts';
import { decodeTraceRequestJson } from '../otlp/otlp-json-decoder.ts';
import { decodeTraceRequestProtobuf } from '../otlp/otlp-protobuf-decoder.ts';
import { mapToSpanRows } from '../otlp/span-row-mapper.ts';
import { OtlpDecodeError } from '../otlp/decoded-spans.ts';

/** Who a request says it comes from: one entry per resource, for token bindings. */
export interface ResourceIdentity {
  serviceName: string;
  botId: string;
}

export type DecodedRows =
  | { signal: 'traces'; rows: SpanRow[] }
  | { signal: 'logs'; rows: LogRow[] };

/** An OTLP export body, decoded and mapped into rows: the same function runs on receipt and on replay. */
export interface DecodedBody {
  decoded: DecodedRows;
  /** Spans or log records in the request, before refusals. */
  itemCount: number;
  rejected: number;
  /** `partial_success` message, '' when everything was kept untouched. */
  message: string;
  identities: ResourceIdentity[];
}

const BOT_ID_KEY = 'trading.bot.id';

/** Thrown when a request carries more items than the limit (answered with 413). */
export class TooManyItemsError extends Error {
  readonly code = 'TT_COLLECTOR_TOO_MANY_ITEMS';
  readonly statusCode = 413;

  constructor(count: number, limit: number, itemName: string) {
    super(`the request carries ${count} ${itemName}, the limit is ${limit}; send smaller batches`);
    this.name = 'TooManyItemsError';
  }
}

/** Decodes and maps a body; throws OtlpDecodeError (400) or TooManyItemsError (413). */
export function decodeOtlpBody(signal: TelemetrySignal, encoding: BodyEncoding, body: Buffer, limits: IngestLimits): DecodedBody {
  try {
    if (signal === 'traces') {
      const resources = encoding === 'protobuf' ? decodeTraceRequestProtobuf(body) : decodeTraceRequestJson(body);
      const itemCount = resources.reduce((n, r) => n + r.scopeSpans.reduce((m, s) => m + s.spans.length, 0), 0);
      if (itemCount > limits.maxItemsPerRequest) throw new TooManyItemsError(itemCount, limits.maxItemsPerRequest, 'spans');
      const mapped = mapToSpanRows(resources, limits);
      return result({ signal, rows: mapped.rows }, mapped, itemCount, 'spans', resources.map((r) => r.resourceAttributes));
    }
    const resources = encoding === 'protobuf' ? decodeLogsRequestProtobuf(body) : decodeLogsRequestJson(body);
    const itemCount = resources.reduce((n, r) => n + r.scopeLogs.reduce((m, s) => m + s.logRecords.length, 0), 0);
    if (itemCount > limits.maxItemsPerRequest) throw new TooManyItemsError(itemCount, limits.maxItemsPerRequest, 'log records');
    const mapped = mapToLogRows(resources, limits);
    return result({ signal, rows: mapped.rows }, mapped, itemCount, 'log records', resources.map((r) => r.resourceAttributes));
  } catch (error) {
    // Input so deep or large that the engine itself gives up is still the client's bad input, not our failure.
    if (error instanceof RangeError) throw new OtlpDecodeError(`the request could not be decoded: ${error.message}`);
    throw error;
  }
}

function result(decoded: DecodedRows, mapped: MappedRows<unknown>, itemCount: number, itemName: string, resources: Record<string, string>[]): DecodedBody {
  return {
    decoded,
    itemCount,
    rejected: mapped.rejected,
    message: partialSuccessMessage(mapped, itemName),
    identities: resources.map((attributes) => ({ serviceName: attributes['service.name'] ?? '', botId: attributes[BOT_ID_KEY] ?? '' })),
  };
}
