export { startCollector, type RunningCollector } from './collector.ts';
export { CollectorConfigSchema, parseCollectorConfig, type CollectorConfig, type ResolvedCollectorConfig } from './collector-config.ts';
export { buildCollectorApp, type CollectorAppOptions } from './http/collector-app.ts';
export { GroupCommitWriter, type GroupCommitWriterOptions } from './ingest/group-commit-writer.ts';
export { SinkClosedError, SinkSaturatedError, type SpanSink } from './ingest/span-sink.ts';
export { decodeTraceRequestJson } from './otlp/otlp-json-decoder.ts';
export { decodeTraceRequestProtobuf } from './otlp/otlp-protobuf-decoder.ts';
export { mapToSpanRows, type MappedSpans } from './otlp/span-row-mapper.ts';
export { OtlpDecodeError, type DecodedResourceSpans, type DecodedSpan } from './otlp/decoded-spans.ts';
