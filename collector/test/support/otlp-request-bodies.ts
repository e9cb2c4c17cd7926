import {
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
  JsonTraceSerializer,
  JsonLogsSerializer,
} from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';

/**
 * Real OTLP request bodies, made by OpenTelemetry's own SDK and serializers (not by our code), so the decoders are
 * tested against what exporters actually send.
 */
export async function traceRequestBodies(options: {
  service: string;
  spans: number;
  attributes?: Record<string, string | number | boolean>;
  /** The `i`th span's name; default `decide <i>`. */
  spanName?: (i: number) => string;
  /** The `i`th span's start, unix ms; default now. */
  startTime?: (i: number) => number;
}): Promise<{ protobuf: Buffer; json: Buffer }> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('tradetrace-test', '1.0.0');
  for (let i = 0; i < options.spans; i += 1) {
    const startTime = options.startTime?.(i);
    const span = tracer.startSpan(options.spanName?.(i) ?? `decide ${i}`, {
      attributes: { 'trading.decision.id': `dec-${i}`, ...options.attributes },
      ...(startTime === undefined ? {} : { startTime }),
    });
    span.addEvent('trading.reward', { 'trading.reward.value': i / 10 }, startTime);
    span.end(startTime === undefined ? undefined : startTime + 1);
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  return {
    protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
    json: Buffer.from(JsonTraceSerializer.serializeRequest(spans)!),
  };
}

export async function logsRequestBodies(options: {
  service: string;
  records: number;
}): Promise<{ protobuf: Buffer; json: Buffer }> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('tradetrace-test', '1.0.0');
  for (let i = 0; i < options.records; i += 1) {
    logger.emit({
      eventName: 'trading.reward',
      body: `reward ${i}`,
      severityNumber: 9,
      severityText: 'INFO',
      attributes: { 'trading.decision.id': `dec-${i}`, 'trading.reward.value': i },
    });
  }
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  return {
    protobuf: Buffer.from(ProtobufLogsSerializer.serializeRequest(records)!),
    json: Buffer.from(JsonLogsSerializer.serializeRequest(records)!),
  };
}
