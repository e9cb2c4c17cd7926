/** What both OTLP logs decoders produce; like DecodedResourceSpans, ids are hex and values already rendered. */
export interface DecodedLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  /** The body as `AnyValue.AsString()` renders it. */
  body: string;
  attributes: Record<string, string>;
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
}

export interface DecodedLogScope {
  name: string;
  version: string;
  attributes: Record<string, string>;
}

export interface DecodedResourceLogs {
  resourceAttributes: Record<string, string>;
  schemaUrl: string;
  scopeLogs: { scope: DecodedLogScope; schemaUrl: string; logRecords: DecodedLogRecord[] }[];
}
