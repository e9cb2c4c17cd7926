import { context, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace';

/** A serialized request whose trace ids and decision ids carry markers, so each use can be given ids of its own. */
export interface RequestTemplate {
  instantiate(sequence: number): Buffer;
  /** Decide spans in the request: the triplets an export of it yields. */
  readonly decisions: number;
}

/**
 * What a request holds. `decision-spans`: decide spans only, every fourth with a reward event (the collector
 * benchmark's steady load). `bot-traces`: what an LLM bot writes per decision — a decide span, its two LLM calls
 * (analysis, then decision), an order when it buys or sells, and a reward span in a trace of its own naming and
 * linking the decision, as a settlement job writes it later.
 */
export type RequestShape = 'decision-spans' | 'bot-traces';

const TRACE_MARKER = Buffer.from('feedface', 'hex');
/** Decision ids are `seq:<8 hex digits>/<template>/<index>`; the digits become the request's sequence number. */
const DECISION_MARKER = Buffer.from('seq:', 'latin1');
const SEQUENCE_PLACEHOLDER = '00000000';

export async function requestTemplates(
  count: number,
  spans: number,
  shape: RequestShape = 'decision-spans',
): Promise<RequestTemplate[]> {
  const templates: RequestTemplate[] = [];
  for (let t = 0; t < count; t += 1) {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({
        'service.name': 'bench-bot',
        'service.version': '1.0.0',
        'trading.bot.id': `bench-${t}`,
      }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
      idGenerator: new MarkedIdGenerator(),
    });
    const tracer = provider.getTracer('bench', '1.0.0');
    let made = 0;
    let decisions = 0;
    for (let i = 0; made < spans; i += 1, decisions += 1) {
      const decisionId = `${DECISION_MARKER.toString('latin1')}${SEQUENCE_PLACEHOLDER}/${t}/${i}`;
      made +=
        shape === 'bot-traces' && spans - made >= BOT_TRACE_MAX_SPANS
          ? writeBotTrace(tracer, decisionId, i)
          : writeDecisionSpan(tracer, decisionId, i);
    }
    await provider.forceFlush();
    templates.push(
      markedTemplate(Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!), decisions),
    );
  }
  return templates;
}

function markedTemplate(body: Buffer, decisions: number): RequestTemplate {
  const traceIds = positionsAfter(body, TRACE_MARKER);
  const decisionIds = positionsAfter(body, DECISION_MARKER);
  return {
    decisions,
    instantiate(sequence) {
      const copy = Buffer.from(body);
      for (const at of traceIds) copy.writeUInt32BE(sequence >>> 0, at);
      const digits = (sequence >>> 0).toString(16).padStart(SEQUENCE_PLACEHOLDER.length, '0');
      for (const at of decisionIds) copy.write(digits, at, 'latin1');
      return copy;
    },
  };
}

function positionsAfter(body: Buffer, marker: Buffer): number[] {
  const positions: number[] = [];
  for (let at = body.indexOf(marker); at >= 0; at = body.indexOf(marker, at + 1)) positions.push(at + marker.length);
  return positions;
}

const ACTIONS = ['buy', 'hold', 'sell'] as const;

function decisionAttributes(decisionId: string, i: number) {
  return {
    'trading.operation.name': 'decide',
    'trading.decision.id': decisionId,
    'trading.decision.action': ACTIONS[i % 3]!,
    'trading.decision.confidence': (i % 100) / 100,
    'trading.strategy.name': 'momentum',
    'trading.strategy.version': i % 2 === 0 ? 'v1' : 'v2',
    'trading.symbol': 'BTC/USDT',
    'trading.mode': 'paper',
    'trading.context.price': 60_000 + i,
    'trading.context.rsi_14': 40 + (i % 30),
  };
}

/** One decide span; every fourth carries a reward event. Returns the spans written (1). */
function writeDecisionSpan(tracer: Tracer, decisionId: string, i: number): number {
  const span = tracer.startSpan('decide BTC/USDT', { attributes: decisionAttributes(decisionId, i) });
  if (i % 4 === 0)
    span.addEvent('trading.reward', { 'trading.reward.value': (i % 7) - 3, 'trading.decision.id': decisionId });
  span.end();
  return 1;
}

const BOT_TRACE_MAX_SPANS = 5;

/** One decision as an LLM bot traces it, plus its delayed reward. Returns the spans written (4 or 5). */
function writeBotTrace(tracer: Tracer, decisionId: string, i: number): number {
  const action = ACTIONS[i % 3]!;
  const decide = tracer.startSpan('decide BTC/USDT', { attributes: decisionAttributes(decisionId, i) });
  const inDecision = trace.setSpan(context.active(), decide);
  for (const [step, answer] of [
    ['Summarize the market.', 'Momentum is rising; RSI is neutral.'],
    ['Buy, sell or hold?', action],
  ] as const) {
    tracer
      .startSpan(
        'chat deepseek-chat',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'deepseek',
            'gen_ai.request.model': 'deepseek-chat',
            'gen_ai.input.messages': JSON.stringify([
              { role: 'system', parts: [{ type: 'text', content: 'You are a disciplined crypto trader.' }] },
              {
                role: 'user',
                parts: [{ type: 'text', content: `BTC/USDT at ${60_000 + i}, RSI ${40 + (i % 30)}. ${step}` }],
              },
            ]),
            'gen_ai.output.messages': JSON.stringify([
              { role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' },
            ]),
            'gen_ai.usage.input_tokens': 60 + (i % 40),
            'gen_ai.usage.output_tokens': 12,
          },
        },
        inDecision,
      )
      .end();
  }
  let spans = 3;
  if (action !== 'hold') {
    tracer
      .startSpan(
        'submit_order BTC/USDT',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'trading.operation.name': 'submit_order',
            'trading.decision.id': decisionId,
            'trading.symbol': 'BTC/USDT',
            'trading.order.side': action,
            'trading.order.amount': 0.01,
            'trading.order.filled': 0.01,
          },
        },
        inDecision,
      )
      .end();
    spans += 1;
  }
  decide.end();
  const reward = tracer.startSpan('reward', {
    root: true,
    links: [{ context: decide.spanContext() }],
    attributes: {
      'trading.operation.name': 'reward',
      'trading.decision.id': decisionId,
      'trading.reward.value': (i % 7) - 3,
    },
  });
  reward.addEvent('trading.reward', {
    'trading.decision.id': decisionId,
    'trading.reward.name': 'primary',
    'trading.reward.value': (i % 7) - 3,
    'trading.reward.kind': 'realized',
  });
  reward.end();
  return spans + 1;
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
  while (out.length < length)
    out += Math.floor(Math.random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}
