import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPLogExporterHttp } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterHttp } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { startTestCollector, type TestCollector } from '../support/test-collector.ts';

interface StoredLog {
  ServiceName: string;
  EventName: string;
  Body: string;
  SeverityNumber: number;
  SeverityText: string;
  TraceId: string;
  SpanId: string;
  LogAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
}

describe('real OpenTelemetry exporters → collector → embedded ClickHouse', () => {
  let t: TestCollector;

  beforeAll(async () => {
    t = await startTestCollector();
  });

  afterAll(async () => {
    await t?.stop();
  });

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`stores every span of a batch exactly once (${protocol})`, async () => {
      const service = `spans-${protocol.replace('/', '-')}`;
      const url = `${t.collector.url}/v1/traces`;
      const exporter =
        protocol === 'http/protobuf' ? new OTLPTraceExporterProto({ url }) : new OTLPTraceExporterHttp({ url });
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': service, 'trading.bot.id': 'bot-9' }),
        spanProcessors: [new BatchSpanProcessor({ exporter, maxExportBatchSize: 100, scheduledDelayMillis: 10 })],
      });
      const tracer = provider.getTracer('test');
      for (let i = 0; i < 250; i += 1) {
        tracer.startActiveSpan(`decide ${i % 5}`, (span) => {
          span.setAttribute('trading.decision.id', `d-${i}`);
          span.setAttribute('trading.decision.confidence', 0.5);
          tracer.startSpan('child').end();
          span.end();
        });
      }
      await provider.shutdown();
      expect(await t.collector.drain(10_000)).toBe(true);
      expect(await t.count('otel_traces', service)).toBe(500);
      expect(await t.duplicates(service)).toBe(0);
      const result = await t.collector.storage.client.query({
        query: `SELECT SpanAttributes['trading.decision.confidence'] AS c, ResourceAttributes['trading.bot.id'] AS bot FROM ${t.collector.storage.table('otel_traces')} WHERE ServiceName = {service:String} AND SpanAttributes['trading.decision.id'] = 'd-7'`,
        query_params: { service },
        format: 'JSONEachRow',
      });
      expect(await result.json()).toEqual([{ c: '0.5', bot: 'bot-9' }]);
    });

    it(`stores reward log records with their event name, body and attributes (${protocol})`, async () => {
      const service = `logs-${protocol.replace('/', '-')}`;
      const url = `${t.collector.url}/v1/logs`;
      const exporter =
        protocol === 'http/protobuf' ? new OTLPLogExporterProto({ url }) : new OTLPLogExporterHttp({ url });
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 10 })],
      });
      const logger = provider.getLogger('rewards');
      for (let i = 0; i < 30; i += 1) {
        logger.emit({
          eventName: 'trading.reward',
          severityNumber: SeverityNumber.INFO,
          severityText: 'INFO',
          body: { pnl: i },
          attributes: { 'trading.decision.id': `d-${i}`, 'trading.reward.value': i * 0.5 },
        });
      }
      await provider.shutdown();
      expect(await t.collector.drain(10_000)).toBe(true);
      expect(await t.count('otel_logs', service)).toBe(30);
      const result = await t.collector.storage.client.query({
        query: `SELECT * FROM ${t.collector.storage.table('otel_logs')} WHERE ServiceName = {service:String} AND LogAttributes['trading.decision.id'] = 'd-3'`,
        query_params: { service },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<StoredLog>();
      expect(row).toMatchObject({
        EventName: 'trading.reward',
        Body: '{"pnl":3}',
        SeverityNumber: 9,
        SeverityText: 'INFO',
        TraceId: '',
        LogAttributes: { 'trading.decision.id': 'd-3', 'trading.reward.value': '1.5' },
        ResourceAttributes: { 'service.name': service },
      });
    });
  }

  it('exposes what it did on /metrics in Prometheus text', async () => {
    const text = await (await fetch(`${t.collector.url}/metrics`)).text();
    const value = (name: string, labels: string) =>
      Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1]);
    // Earlier tests in this file sent 2 × 500 spans and 2 × 30 log records.
    expect(value('tradetrace_collector_accepted_items_total', 'signal="traces"')).toBe(1000);
    expect(value('tradetrace_collector_stored_rows_total', 'signal="logs"')).toBe(60);
    expect(text).toMatch(/^tradetrace_collector_spool_bytes 0$/m);
    expect(text).toContain('tradetrace_collector_insert_duration_seconds_bucket');
    // The embedded engine's own accounting: it has stored rows, so it holds some memory.
    expect(value('tradetrace_collector_engine_memory_bytes', 'engine="embedded"')).toBeGreaterThan(0);
  });
});
