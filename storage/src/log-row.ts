import type { RowLayout } from './row-binary/row-layout.ts';

/**
 * One row of `otel_logs`, exactly as the OpenTelemetry Collector contrib ClickHouse exporter stores a log record
 * (the Map pipeline's table, with `EventName`). `TimestampTime` is left out: the table derives it from `Timestamp`.
 */
export interface LogRow {
  /** Record time (or observed time when the record has none) as unix-epoch nanoseconds in decimal. */
  Timestamp: string;
  /** Lowercase hex, or '' when the record is not tied to a span. */
  TraceId: string;
  SpanId: string;
  /** W3C trace flags (bit 0: sampled). */
  TraceFlags: number;
  SeverityText: string;
  /** OpenTelemetry severity number, 0 (unspecified) to 24. */
  SeverityNumber: number;
  ServiceName: string;
  /** The body rendered as a string (`AnyValue.AsString()`: maps and arrays as JSON). */
  Body: string;
  ResourceSchemaUrl: string;
  ResourceAttributes: Record<string, string>;
  ScopeSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Record<string, string>;
  LogAttributes: Record<string, string>;
  /** The log record's event name (`trading.reward` for reward records), '' for plain logs. */
  EventName: string;
}

const MAP = 'Map(String, String)';

/** The columns of a LogRow in one fixed order, with their types and insert encodings. */
export const LOG_ROW_LAYOUT = [
  { name: 'Timestamp', type: 'DateTime64(9)', encoding: 'nanoseconds' },
  { name: 'TraceId', type: 'String', encoding: 'string' },
  { name: 'SpanId', type: 'String', encoding: 'string' },
  { name: 'TraceFlags', type: 'UInt8', encoding: 'uint8' },
  { name: 'SeverityText', type: 'String', encoding: 'string' },
  { name: 'SeverityNumber', type: 'UInt8', encoding: 'uint8' },
  { name: 'ServiceName', type: 'String', encoding: 'string' },
  { name: 'Body', type: 'String', encoding: 'string' },
  { name: 'ResourceSchemaUrl', type: 'String', encoding: 'string' },
  { name: 'ResourceAttributes', type: MAP, encoding: 'stringMap' },
  { name: 'ScopeSchemaUrl', type: 'String', encoding: 'string' },
  { name: 'ScopeName', type: 'String', encoding: 'string' },
  { name: 'ScopeVersion', type: 'String', encoding: 'string' },
  { name: 'ScopeAttributes', type: MAP, encoding: 'stringMap' },
  { name: 'LogAttributes', type: MAP, encoding: 'stringMap' },
  { name: 'EventName', type: 'String', encoding: 'string' },
] as const satisfies RowLayout<LogRow>;
