import type { RowLayout } from './row-binary/row-layout.ts';

/**
 * One row of `otel_traces`, exactly as the OpenTelemetry Collector contrib ClickHouse exporter stores a span.
 * Keys are the column names; Nested columns are flattened into parallel arrays (`Events.Name`, ...), which is
 * how ClickHouse accepts them in JSONEachRow.
 */
export interface SpanRow {
  /** Start time as a unix-epoch nanosecond integer in decimal (ClickHouse parses it into DateTime64(9)). */
  Timestamp: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: SpanKindName;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  /** End minus start, in nanoseconds. */
  Duration: number;
  StatusCode: StatusCodeName;
  StatusMessage: string;
  'Events.Timestamp': string[];
  'Events.Name': string[];
  'Events.Attributes': Record<string, string>[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Record<string, string>[];
}

const MAP = 'Map(String, String)';

/** The columns of a SpanRow in one fixed order, with their types and insert encodings. */
export const SPAN_ROW_LAYOUT = [
  { name: 'Timestamp', type: 'DateTime64(9)', encoding: 'nanoseconds' },
  { name: 'TraceId', type: 'String', encoding: 'string' },
  { name: 'SpanId', type: 'String', encoding: 'string' },
  { name: 'ParentSpanId', type: 'String', encoding: 'string' },
  { name: 'TraceState', type: 'String', encoding: 'string' },
  { name: 'SpanName', type: 'String', encoding: 'string' },
  { name: 'SpanKind', type: 'String', encoding: 'string' },
  { name: 'ServiceName', type: 'String', encoding: 'string' },
  { name: 'ResourceAttributes', type: MAP, encoding: 'stringMap' },
  { name: 'ScopeName', type: 'String', encoding: 'string' },
  { name: 'ScopeVersion', type: 'String', encoding: 'string' },
  { name: 'SpanAttributes', type: MAP, encoding: 'stringMap' },
  { name: 'Duration', type: 'UInt64', encoding: 'uint64' },
  { name: 'StatusCode', type: 'String', encoding: 'string' },
  { name: 'StatusMessage', type: 'String', encoding: 'string' },
  { name: 'Events.Timestamp', type: 'Array(DateTime64(9))', encoding: 'nanosecondsArray' },
  { name: 'Events.Name', type: 'Array(String)', encoding: 'stringArray' },
  { name: 'Events.Attributes', type: `Array(${MAP})`, encoding: 'stringMapArray' },
  { name: 'Links.TraceId', type: 'Array(String)', encoding: 'stringArray' },
  { name: 'Links.SpanId', type: 'Array(String)', encoding: 'stringArray' },
  { name: 'Links.TraceState', type: 'Array(String)', encoding: 'stringArray' },
  { name: 'Links.Attributes', type: `Array(${MAP})`, encoding: 'stringMapArray' },
] as const satisfies RowLayout<SpanRow>;

/** SpanKind as the contrib exporter writes it (`ptrace.SpanKind.String()` without the prefix). */
export const SPAN_KIND_NAMES = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'] as const;
export type SpanKindName = (typeof SPAN_KIND_NAMES)[number];

/** StatusCode as the contrib exporter writes it. */
export const STATUS_CODE_NAMES = ['Unset', 'Ok', 'Error'] as const;
export type StatusCodeName = (typeof STATUS_CODE_NAMES)[number];
