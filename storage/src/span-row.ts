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

/** The columns of a SpanRow, in one fixed order (the order of the compact insert format). */
export const SPAN_ROW_COLUMNS = [
  'Timestamp', 'TraceId', 'SpanId', 'ParentSpanId', 'TraceState', 'SpanName', 'SpanKind', 'ServiceName', 'ResourceAttributes',
  'ScopeName', 'ScopeVersion', 'SpanAttributes', 'Duration', 'StatusCode', 'StatusMessage', 'Events.Timestamp', 'Events.Name',
  'Events.Attributes', 'Links.TraceId', 'Links.SpanId', 'Links.TraceState', 'Links.Attributes',
] as const satisfies readonly (keyof SpanRow)[];

/** SpanKind as the contrib exporter writes it (`ptrace.SpanKind.String()` without the prefix). */
export const SPAN_KIND_NAMES = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'] as const;
export type SpanKindName = (typeof SPAN_KIND_NAMES)[number];

/** StatusCode as the contrib exporter writes it. */
export const STATUS_CODE_NAMES = ['Unset', 'Ok', 'Error'] as const;
export type StatusCodeName = (typeof STATUS_CODE_NAMES)[number];
