import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace';

/** A serialized request whose trace ids carry a marker, so each use can be given ids of its own. */
export interface RequestTemplate {
  instantiate(sequence: number): Buffer;
}

const MARKER = Buffer.from('feedface', 'hex');

export async function requestTemplates(count: number, spans: number): Promise<RequestTemplate[]> {
  const templates: RequestTemplate[] = [];
  for (let t = 0; t < count; t += 1) {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'bench-bot', 'service.version': '1.0.0', 'trading.bot.id': `bench-${t}` }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
      idGenerator: new MarkedIdGenerator(),
    });
    const tracer = provider.getTracer('bench', '1.0.0');
    for (let i = 0; i < spans; i += 1) {
      const span = tracer.startSpan('decide BTC/USDT', {
        attributes: {
          'trading.operation.name': 'decide',
          'trading.decision.id': `d-${t}-${i}`,
          'trading.decision.action': i % 3 === 0 ? 'buy' : 'hold',
          'trading.decision.confidence': (i % 100) / 100,
          'trading.strategy.name': 'momentum',
          'trading.strategy.version': i % 2 === 0 ? 'v1' : 'v2',
          'trading.symbol': 'BTC/USDT',
          'trading.mode': 'paper',
          'trading.context.price': 60_000 + i,
          'trading.context.rsi_14': 40 + (i % 30),
        },
      });
      if (i % 4 === 0) span.addEvent('trading.reward', { 'trading.reward.value': (i % 7) - 3, 'trading.decision.id': `d-${t}-${i}` });
      span.end();
    }
    await provider.forceFlush();
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
    const positions: number[] = [];
    for (let at = body.indexOf(MARKER); at >= 0; at = body.indexOf(MARKER, at + 1)) positions.push(at + MARKER.length);
    templates.push({
      instantiate(sequence) {
        const copy = Buffer.from(body);
        for (const at of positions) copy.writeUInt32BE(sequence >>> 0, at);
        return copy;
      },
    });
  }
  return templates;
}

/** Trace ids `feedface` + 4 bytes left for the request number + 8 random bytes. */
class MarkedIdGenerator implements IdGenerator {
  generateTraceId(): string {
    return `feedface00000000${randomHex(16)}`;
  }

  generateSpanId(): string {
    return randomHex(16);
  }
}

function randomHex(length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

