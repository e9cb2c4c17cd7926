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

/** The columns of a LogRow, in one fixed order (the order of the compact insert format). */
export const LOG_ROW_COLUMNS = [
  'Timestamp', 'TraceId', 'SpanId', 'TraceFlags', 'SeverityText', 'SeverityNumber', 'ServiceName', 'Body', 'ResourceSchemaUrl',
  'ResourceAttributes', 'ScopeSchemaUrl', 'ScopeName', 'ScopeVersion', 'ScopeAttributes', 'LogAttributes', 'EventName',
] as const satisfies readonly (keyof LogRow)[];
