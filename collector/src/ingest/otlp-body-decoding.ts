import { encodeKeyedSpanRowsSync, encodeRowBinarySync, LOG_ROW_LAYOUT, type SpanRowKeys } from '@tradetrace/storage';
import type { BodyEncoding, TelemetrySignal } from '../spool/spool-record.ts';
import {
  MAX_REPEATED_ROW_BYTES,
  partialSuccessMessage,
  type IngestLimits,
  type MappingOutcome,
} from '../otlp/ingest-limits.ts';
import { mapToLogRows } from '../otlp/log-row-mapper.ts';
import { decodeLogsRequestJson } from '../otlp/otlp-logs-json-decoder.ts';
import { decodeLogsRequestProtobuf } from '../otlp/otlp-logs-protobuf-decoder.ts';
import { exceedsJsonContainers } from '../otlp/json-container-count.ts';
import { decodeTraceRequestJson } from '../otlp/otlp-json-decoder.ts';
import { transcodeTraceRequest } from '../otlp/otlp-protobuf-span-transcoder.ts';
import { mapToSpanRows } from '../otlp/span-row-mapper.ts';
import { OtlpDecodeError } from '../otlp/decoded-spans.ts';
import { NamedIdentities } from '../otlp/named-identities.ts';

/** A request's rows in RowBinary, in its signal's storage layout (SPAN_ROW_LAYOUT, LOG_ROW_LAYOUT): ready to insert. */
export type DecodedRows = DecodedSpanRows | DecodedLogRows;

export interface DecodedSpanRows {
  signal: 'traces';
  rowBinary: Buffer;
  rowCount: number;
  /** Where each row begins and its `otel_traces` sorting key: a batch's rows are inserted in that order. */
  keys: SpanRowKeys;
}

export interface DecodedLogRows {
  signal: 'logs';
  rowBinary: Buffer;
  rowCount: number;
}

/** An OTLP export body, decoded into rows: the same function runs on receipt and on replay. */
export interface DecodedBody {
  decoded: DecodedRows;
  /** Spans or log records in the request, before refusals. */
  itemCount: number;
  rejected: number;
  /** `partial_success` message, '' when everything was kept untouched. */
  message: string;
  /** The services and bots the request's resources and stored items name, for token bindings. */
  identities: NamedIdentities;
}

/** A request past one of the request-wide limits, refused whole before any row is stored (answered with 413). */
export abstract class RequestOverLimitError extends Error {
  abstract readonly code: string;
  readonly statusCode = 413;
}

/** Thrown when a request carries more items than the limit. */
export class TooManyItemsError extends RequestOverLimitError {
  readonly code = 'TT_COLLECTOR_TOO_MANY_ITEMS';

  constructor(count: number, limit: number, itemName: string) {
    super(`the request carries ${count} ${itemName}, the limit is ${limit}; send smaller batches`);
    this.name = 'TooManyItemsError';
  }
}

/** Thrown when an OTLP/JSON body opens more objects and arrays than the limit. */
export class TooManyJsonContainersError extends RequestOverLimitError {
  readonly code = 'TT_COLLECTOR_TOO_MANY_JSON_CONTAINERS';

  constructor(limit: number) {
    super(
      `the JSON body holds more than ${limit} objects and arrays (maxJsonContainersPerRequest); send smaller batches or use protobuf`,
    );
    this.name = 'TooManyJsonContainersError';
  }
}

/** Thrown when a request's rows would repeat its resources past MAX_REPEATED_ROW_BYTES. */
export class RowsTooLargeError extends RequestOverLimitError {
  readonly code = 'TT_COLLECTOR_ROWS_TOO_LARGE';

  constructor(bytes: number) {
    super(
      `the request's rows would repeat ${Math.round(bytes / 2 ** 20)} MiB of resource and scope data (one copy per span, at most ${MAX_REPEATED_ROW_BYTES / 2 ** 20} MiB); send fewer spans per request or smaller resources`,
    );
    this.name = 'RowsTooLargeError';
  }
}

/**
 * Decodes a body into rows; throws OtlpDecodeError (400) or a RequestOverLimitError (413). Protobuf spans, nearly
 * all the traffic, are transcoded straight into RowBinary; JSON and logs are decoded into rows, then encoded.
 */
export function decodeOtlpBody(
  signal: TelemetrySignal,
  encoding: BodyEncoding,
  body: Buffer,
  limits: IngestLimits,
): DecodedBody {
  if (encoding === 'json' && exceedsJsonContainers(body, limits.maxJsonContainersPerRequest)) {
    throw new TooManyJsonContainersError(limits.maxJsonContainersPerRequest);
  }
  try {
    if (signal === 'traces' && encoding === 'protobuf') {
      const spans = transcodeTraceRequest(body, limits);
      refuseOversized(spans.itemCount, spans.repeatedBytes, limits, 'spans');
      return result(
        { signal, rowBinary: spans.rowBinary, rowCount: spans.rowCount, keys: spans.keys },
        spans,
        spans.itemCount,
        'spans',
        spans.identities,
      );
    }
    if (signal === 'traces') {
      const resources = decodeTraceRequestJson(body);
      const extent = resources.map((r) => ({
        resourceAttributes: r.resourceAttributes,
        scopes: r.scopeSpans.map((s) => ({ scope: s.scope, items: s.spans.length })),
      }));
      const itemCount = checkExtent(extent, limits, 'spans');
      const mapped = mapToSpanRows(resources, limits);
      const identities = new NamedIdentities();
      for (const resource of resources) identities.noteResource(resource.resourceAttributes);
      for (const row of mapped.rows) {
        identities.noteItem(row.SpanAttributes);
        for (const attributes of row['Events.Attributes']) identities.noteItem(attributes);
      }
      const { rowBinary, keys } = encodeKeyedSpanRowsSync(mapped.rows);
      return result({ signal, rowBinary, rowCount: mapped.rows.length, keys }, mapped, itemCount, 'spans', identities);
    }
    const resources = encoding === 'protobuf' ? decodeLogsRequestProtobuf(body) : decodeLogsRequestJson(body);
    const extent = resources.map((r) => ({
      resourceAttributes: r.resourceAttributes,
      scopes: r.scopeLogs.map((s) => ({ scope: s.scope, items: s.logRecords.length })),
    }));
    const itemCount = checkExtent(extent, limits, 'log records');
    const mapped = mapToLogRows(resources, limits);
    const identities = new NamedIdentities();
    for (const resource of resources) identities.noteResource(resource.resourceAttributes);
    for (const row of mapped.rows) identities.noteItem(row.LogAttributes);
    const rows = {
      signal: 'logs' as const,
      rowBinary: encodeRowBinarySync(mapped.rows, LOG_ROW_LAYOUT),
      rowCount: mapped.rows.length,
    };
    return result(rows, mapped, itemCount, 'log records', identities);
  } catch (error) {
    // Input so deep or large that the engine itself gives up is still the client's bad input, not our failure.
    if (error instanceof RangeError) throw new OtlpDecodeError(`the request could not be decoded: ${error.message}`);
    throw error;
  }
}

/** A decoded request's resources and how many items each of their scopes holds: what the request-wide limits bound. */
interface RequestExtent {
  resourceAttributes: Record<string, string>;
  scopes: { scope: { name: string; version: string }; items: number }[];
}

/**
 * Refuses a decoded request past the request-wide limits, before any row is made; returns its item count. The bytes
 * rows repeat are counted in characters: each resource's attributes and each scope's names, once per item.
 */
function checkExtent(resources: readonly RequestExtent[], limits: IngestLimits, itemName: string): number {
  let items = 0;
  let repeatedBytes = 0;
  for (const { resourceAttributes, scopes } of resources) {
    let resource = 0;
    for (const [key, value] of Object.entries(resourceAttributes)) resource += key.length + value.length;
    for (const { scope, items: count } of scopes) {
      items += count;
      repeatedBytes += count * (resource + scope.name.length + scope.version.length);
    }
  }
  refuseOversized(items, repeatedBytes, limits, itemName);
  return items;
}

function refuseOversized(items: number, repeatedBytes: number, limits: IngestLimits, itemName: string): void {
  if (items > limits.maxItemsPerRequest) throw new TooManyItemsError(items, limits.maxItemsPerRequest, itemName);
  if (repeatedBytes > MAX_REPEATED_ROW_BYTES) throw new RowsTooLargeError(repeatedBytes);
}

function result(
  decoded: DecodedRows,
  outcome: MappingOutcome,
  itemCount: number,
  itemName: string,
  identities: NamedIdentities,
): DecodedBody {
  return {
    decoded,
    itemCount,
    rejected: outcome.rejected,
    message: partialSuccessMessage(outcome, itemName),
    identities,
  };
}
