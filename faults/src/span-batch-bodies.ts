import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { sequentialIdGenerator } from './client-span-ids.ts';
import type { ExporterClientReport } from './exporter-client.ts';

/** One OTLP export body and the client sequence range [from, to) of its spans. */
export interface SpanBatchBody {
  body: Buffer;
  from: number;
  to: number;
}

/**
 * Makes OTLP trace bodies the way exporters do (OpenTelemetry's own SDK and serializers), with client span ids,
 * for scenarios that post requests themselves to see each status and header. `record` keeps the ledger that
 * `auditStoredSpans` reads, in the same shape as an exporter client's report.
 */
export class SpanBatchBodies {
  readonly report: ExporterClientReport;
  private readonly ids;
  private readonly finished = new InMemorySpanExporter();
  private readonly provider: TracerProvider;

  constructor(client: number, serviceName: string) {
    this.ids = sequentialIdGenerator(client);
    this.report = { client, sent: 0, acknowledgedRanges: [], failedExports: 0, exports: 0, statuses: {} };
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName, 'trading.bot.id': `fault-client-${client}` }),
      idGenerator: this.ids,
      spanProcessors: [new SimpleSpanProcessor({ exporter: this.finished })],
    });
  }

  next(spans: number, encoding: 'protobuf' | 'json' = 'protobuf'): SpanBatchBody {
    const tracer = this.provider.getTracer('tradetrace-faults', '1.0.0');
    const from = this.ids.next;
    for (let i = 0; i < spans; i += 1)
      tracer.startSpan(`decide ${i % 8}`, { attributes: { 'trading.decision.id': `d-${from + i}` } }).end();
    const batch = this.finished.getFinishedSpans();
    this.finished.reset();
    this.report.sent += batch.length;
    const serialized =
      encoding === 'protobuf'
        ? ProtobufTraceSerializer.serializeRequest(batch)
        : JsonTraceSerializer.serializeRequest(batch);
    return { body: Buffer.from(serialized!), from, to: this.ids.next };
  }

  /** Notes what the collector answered for a body made by `next`. */
  record(batch: SpanBatchBody, status: number): void {
    this.report.exports += 1;
    this.report.statuses[String(status)] = (this.report.statuses[String(status)] ?? 0) + 1;
    if (status === 200) this.report.acknowledgedRanges.push([batch.from, batch.to]);
    else this.report.failedExports += 1;
  }
}
