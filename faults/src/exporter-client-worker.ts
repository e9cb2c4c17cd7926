/**
 * One OTLP client in a worker thread: a real OpenTelemetry TracerProvider and OTLP exporter (protobuf or JSON),
 * sending batches as fast as the collector acknowledges them. Every batch goes through `exporter.export` directly,
 * so its result (after the exporter's own retries on 429/503 and refused connections) tells exactly which spans
 * the collector acknowledged.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { sequentialIdGenerator } from './client-span-ids.ts';
import type { ExporterClientOptions, ExporterClientReport } from './exporter-client.ts';

const options = workerData as ExporterClientOptions;
const port = parentPort!;

// What the exporter's HTTP requests got back, status by status, as the client saw it.
const statuses: Record<string, number> = {};
subscribe('http.client.response.finish', (message) => {
  const { response } = message as { request: ClientRequest; response: IncomingMessage };
  const key = String(response.statusCode);
  statuses[key] = (statuses[key] ?? 0) + 1;
});

let stopRequested = false;
let start: () => void = () => undefined;
const started = new Promise<void>((resolve) => {
  start = resolve;
});
const onMessage = (message: unknown) => {
  if (message === 'start') start();
  if (message === 'stop') {
    stopRequested = true;
    start();
  }
};
port.on('message', onMessage);

const ids = sequentialIdGenerator(options.client);
const finished = new InMemorySpanExporter();
const provider = new TracerProvider({
  resource: resourceFromAttributes({
    'service.name': options.serviceName,
    'trading.bot.id': `fault-client-${options.client}`,
  }),
  idGenerator: ids,
  spanProcessors: [new SimpleSpanProcessor({ exporter: finished })],
});
const tracer = provider.getTracer('tradetrace-faults', '1.0.0');
const url = `${options.url}/v1/traces`;
const exporterConfig = { url, headers: options.headers, timeoutMillis: options.exportTimeoutMillis };
const exporter =
  options.protocol === 'http/json'
    ? new OtlpJsonTraceExporter(exporterConfig)
    : new OtlpProtobufTraceExporter(exporterConfig);

const report: ExporterClientReport = {
  client: options.client,
  sent: 0,
  acknowledgedRanges: [],
  failedExports: 0,
  exports: 0,
  statuses,
};
// Loading the OTel packages takes a while in 16 threads on 2 cores: the clock starts when every client is ready.
port.postMessage('ready');
await started;
const deadline = Date.now() + options.durationMs;
while (!stopRequested && Date.now() < deadline && report.sent < options.maxSpans) {
  const from = ids.next;
  const size = Math.min(options.batchSize, options.maxSpans - report.sent);
  for (let i = 0; i < size; i += 1) {
    tracer
      .startSpan(`decide ${i % 8}`, {
        attributes: {
          'trading.decision.id': `c${options.client}-${from + i}`,
          'trading.symbol': 'SOL/USDC:USDC',
          'trading.decision.confidence': (i % 100) / 100,
        },
      })
      .end();
  }
  const batch = finished.getFinishedSpans();
  finished.reset();
  report.sent += batch.length;
  const result = await new Promise<ExportResult>((resolve) => exporter.export(batch, resolve));
  report.exports += 1;
  if (result.code === ExportResultCode.SUCCESS) report.acknowledgedRanges.push([from, ids.next]);
  else report.failedExports += 1;
}
await exporter.shutdown();
// Without a listener the thread's event loop can end once the report is out.
port.off('message', onMessage);
port.postMessage(report);
