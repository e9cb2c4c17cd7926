import type { SpanRow } from '@tradetrace/storage';

/** Base of every hand-built timeline: 2026-01-01T00:00:00Z in unix nanoseconds. */
export const T0 = 1_767_225_600_000_000_000n;
export const SECOND = 1_000_000_000n;

let counter = 0;
/** A fresh lowercase-hex span id (16 chars) or trace id (32 chars). */
export function hexId(length: 16 | 32): string {
  counter += 1;
  return counter.toString(16).padStart(length, '0');
}

export interface SpanSpec {
  traceId: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  service?: string;
  at: bigint;
  durationNs?: number;
  attributes?: Record<string, string | number>;
  resource?: Record<string, string>;
  events?: { at: bigint; name: string; attributes: Record<string, string | number> }[];
  links?: { traceId: string; spanId: string }[];
}

/** One `otel_traces` row as the contrib exporter would store it. */
export function span(spec: SpanSpec): SpanRow {
  const text = (record: Record<string, string | number>) =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, String(v)]));
  return {
    Timestamp: spec.at.toString(),
    TraceId: spec.traceId,
    SpanId: spec.spanId ?? hexId(16),
    ParentSpanId: spec.parentSpanId ?? '',
    TraceState: '',
    SpanName: spec.name ?? 'span',
    SpanKind: 'Internal',
    ServiceName: spec.service ?? 'bot-a',
    ResourceAttributes: { 'service.name': spec.service ?? 'bot-a', ...(spec.resource ?? {}) },
    ScopeName: 'test',
    ScopeVersion: '0',
    SpanAttributes: text(spec.attributes ?? {}),
    Duration: spec.durationNs ?? 1_000_000,
    StatusCode: 'Unset',
    StatusMessage: '',
    'Events.Timestamp': (spec.events ?? []).map((e) => e.at.toString()),
    'Events.Name': (spec.events ?? []).map((e) => e.name),
    'Events.Attributes': (spec.events ?? []).map((e) => text(e.attributes)),
    'Links.TraceId': (spec.links ?? []).map((l) => l.traceId),
    'Links.SpanId': (spec.links ?? []).map((l) => l.spanId),
    'Links.TraceState': (spec.links ?? []).map(() => ''),
    'Links.Attributes': (spec.links ?? []).map(() => ({})),
  };
}

export function decideSpan(
  spec: Omit<SpanSpec, 'attributes'> & {
    decisionId?: string;
    symbol?: string;
    action?: string;
    price?: number;
    attributes?: Record<string, string | number>;
  },
): SpanRow {
  return span({
    name: 'decide',
    ...spec,
    attributes: {
      'trading.operation.name': 'decide',
      ...(spec.decisionId === undefined ? {} : { 'trading.decision.id': spec.decisionId }),
      'trading.symbol': spec.symbol ?? 'BTC/USDT',
      'trading.decision.action': spec.action ?? 'buy',
      'trading.strategy.name': 'momentum',
      'trading.strategy.version': 'v1',
      'trading.mode': 'paper',
      ...(spec.price === undefined ? {} : { 'trading.context.price': spec.price }),
      ...(spec.attributes ?? {}),
    },
  });
}

export function llmSpan(spec: SpanSpec & { model?: string }): SpanRow {
  return span({
    name: `chat ${spec.model ?? 'gpt-4o-mini'}`,
    ...spec,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': spec.model ?? 'gpt-4o-mini',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: 'price?' }]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', content: 'buy' }]),
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      ...(spec.attributes ?? {}),
    },
  });
}

export function rewardEvent(at: bigint, value: number, extra: Record<string, string | number> = {}) {
  return {
    at,
    name: 'trading.reward',
    attributes: { 'trading.reward.value': value, 'trading.reward.kind': 'realized', ...extra },
  };
}
