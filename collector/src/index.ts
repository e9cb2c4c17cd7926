export {
  insecureBindingWarning,
  startCollector,
  type CollectorRouteContext,
  type CollectorRoutePlugin,
  type RunningCollector,
  type StartCollectorOptions,
} from './collector.ts';
export {
  CollectorConfigError,
  CollectorConfigSchema,
  collectorConfigEnvName,
  collectorConfigFromEnvironment,
  parseCollectorConfig,
  readCollectorConfigFile,
  type CollectorConfig,
  type ResolvedCollectorConfig,
} from './collector-config.ts';
export { parseAuthTokens, loadAuthTokens, type AuthToken, type TokenRole } from './auth/auth-tokens.ts';
export { AuthError, createRequestAuthorizer, type RequestAuthorizer } from './auth/request-authorizer.ts';
export {
  LOCAL_ACCESS_FILE,
  LocalAccessSchema,
  readLocalAccessFile,
  type LocalAccess,
} from './local-access/local-access-file.ts';
export { AddressInUseError } from './http/address-in-use-error.ts';
export { buildCollectorApp, type AppRoutePlugin, type CollectorAppOptions } from './http/collector-app.ts';
export { createClickHouseRowSink } from './ingest/clickhouse-row-sink.ts';
export {
  DurableIngest,
  IngestClosedError,
  type AcceptOutcome,
  type DurableIngestOptions,
} from './ingest/durable-ingest.ts';
export {
  decodeOtlpBody,
  RequestOverLimitError,
  RowsTooLargeError,
  TooManyItemsError,
  TooManyJsonContainersError,
  type DecodedBody,
  type DecodedRows,
} from './ingest/otlp-body-decoding.ts';
export { NamedIdentities } from './otlp/named-identities.ts';
export { InsertRejectedError, type RowBatch, type RowSink } from './ingest/row-sink.ts';
export type { TelemetryIngest } from './ingest/telemetry-ingest.ts';
export { createCollectorMetrics, type CollectorMetrics } from './metrics/collector-metrics.ts';
export { decodeTraceRequestJson } from './otlp/otlp-json-decoder.ts';
export { decodeLogsRequestJson } from './otlp/otlp-logs-json-decoder.ts';
export { decodeLogsRequestProtobuf } from './otlp/otlp-logs-protobuf-decoder.ts';
export { mapToSpanRows } from './otlp/span-row-mapper.ts';
export { mapToLogRows } from './otlp/log-row-mapper.ts';
export type { IngestLimits, MappedRows } from './otlp/ingest-limits.ts';
export { OtlpDecodeError, type DecodedResourceSpans, type DecodedSpan } from './otlp/decoded-spans.ts';
export type { DecodedLogRecord, DecodedResourceLogs } from './otlp/decoded-logs.ts';
export {
  WriteAheadSpool,
  SpoolFullError,
  type SpoolEntry,
  type WriteAheadSpoolOptions,
} from './spool/write-ahead-spool.ts';
export type { BodyEncoding, TelemetrySignal } from './spool/spool-record.ts';
