/**
 * `@tradetrace/sdk/testing`: the OpenTelemetry pieces the SDK itself is built on, for tests and benchmarks that
 * need an in-memory exporter or a raw OTel provider of exactly the same version as the SDK's.
 */
export {
  InMemorySpanExporter,
  TracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
export { ExportResultCode, type ExportResult } from '@opentelemetry/core';
export { resourceFromAttributes } from '@opentelemetry/resources';
export { context, trace, SpanKind, type Tracer } from '@opentelemetry/api';
export { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
