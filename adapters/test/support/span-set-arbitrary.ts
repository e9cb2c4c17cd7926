import fc from 'fast-check';
import type { LogRow, SpanRow } from '@tradetrace/storage';
import { decideSpan, llmSpan, rewardEvent, span, T0 } from './span-builders.ts';

/** A generated span set: spans in a shuffled (out-of-order) insertion order, plus reward log records. */
export interface SpanSet {
  spans: SpanRow[];
  logs: LogRow[];
}

const rewardName = fc.constantFrom('primary', 'pnl', 'risk', '');
const rewardValue = fc.integer({ min: -40, max: 40 }).map((n) => n / 4);
/** A signal's unit and primary mark: mixed units and marked components exercise the default rule's branches. */
const rewardUnit = fc.constantFrom('', '', 'USDT', '1');

/** `trading.reward.unit` and `trading.reward.primary` of a generated signal, when set. */
function unitAndMark(r: { unit: string; marked: boolean }): Record<string, string> {
  return {
    ...(r.unit ? { 'trading.reward.unit': r.unit } : {}),
    ...(r.marked ? { 'trading.reward.primary': 'true' } : {}),
  };
}

const decisionPlan = fc.record({
  service: fc.constantFrom('bot-a', 'bot-b'),
  symbol: fc.constantFrom('BTC/USDT', 'ETH/USDT'),
  action: fc.constantFrom('buy', 'sell', 'hold'),
  namedId: fc.boolean(),
  nestedUnderRoot: fc.boolean(),
  price: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
  episode: fc.option(fc.constantFrom('pos-1', 'pos-2'), { nil: undefined }),
  /** Depth of each LLM call below the decision (1 = direct child). */
  llmDepths: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
  /** An LLM call under a parent that never arrives. */
  orphanLlm: fc.boolean(),
  inTreeRewards: fc.array(
    fc.record({
      onDecision: fc.boolean(),
      namesDecision: fc.boolean(),
      name: rewardName,
      value: rewardValue,
      unit: rewardUnit,
      marked: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
  remoteRewards: fc.array(
    fc.record({
      via: fc.constantFrom('span_did', 'span_link', 'event_did', 'log_did', 'log_span', 'unattached', 'unattached_log'),
      name: rewardName,
      value: rewardValue,
      unit: rewardUnit,
      marked: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  closes: fc.array(fc.record({ pnl: rewardValue, ret: rewardValue, position: fc.constantFrom('p1', 'p2', '') }), {
    maxLength: 2,
  }),
  orders: fc.array(fc.record({ filled: rewardValue, position: fc.constantFrom('p1', 'p3', '') }), { maxLength: 2 }),
  /** The decide function threw: an error status, with `error.type` or without. */
  failed: fc.constantFrom(undefined, 'status', 'typed'),
  /** Every span of the decision stored twice, as an exporter's retry without deduplication leaves them. */
  retried: fc.boolean(),
});

/** Span sets with every case the engines must agree on: nesting, orphans, links, remote and log rewards, prices, retries. */
export const spanSetArbitrary: fc.Arbitrary<SpanSet> = fc
  .record({ plans: fc.array(decisionPlan, { minLength: 1, maxLength: 6 }), seed: fc.integer() })
  .map(({ plans, seed }) => buildSpanSet(plans, seed));

type DecisionPlan = typeof decisionPlan extends fc.Arbitrary<infer T> ? T : never;

function buildSpanSet(plans: readonly DecisionPlan[], seed: number): SpanSet {
  let next = 0;
  const ids = (length: 16 | 32) => (next += 1).toString(16).padStart(length, '0');
  // Every timestamp is distinct, so neither engine has to break a tie.
  let tick = 0;
  const at = () => T0 + BigInt((tick += 1)) * 1_000_000_000n;
  const spans: SpanRow[] = [];
  const logs: LogRow[] = [];
  for (const plan of plans) {
    const first = spans.length;
    const traceId = ids(32);
    const decisionId = plan.namedId ? `dec-${next}` : undefined;
    const root = plan.nestedUnderRoot
      ? span({ traceId, spanId: ids(16), at: at(), service: plan.service, name: 'loop' })
      : undefined;
    if (root) spans.push(root);
    const decision = decideSpan({
      traceId,
      spanId: ids(16),
      parentSpanId: root?.SpanId,
      at: at(),
      service: plan.service,
      decisionId,
      symbol: plan.symbol,
      action: plan.action,
      price: plan.price,
      attributes: {
        ...(plan.episode ? { 'trading.episode.id': plan.episode } : {}),
        ...(plan.failed === 'typed' ? { 'error.type': 'TimeoutError' } : {}),
      },
    });
    if (plan.failed) Object.assign(decision, { StatusCode: 'Error', StatusMessage: 'model timed out' });
    spans.push(decision);
    const did = decisionId ?? decision.SpanId;
    const subtree: SpanRow[] = [decision];
    for (const depth of plan.llmDepths) {
      let parent = decision.SpanId;
      for (let level = 1; level < depth; level += 1) {
        const step = span({
          traceId,
          spanId: ids(16),
          parentSpanId: parent,
          at: at(),
          service: plan.service,
          name: 'step',
        });
        spans.push(step);
        subtree.push(step);
        parent = step.SpanId;
      }
      const call = llmSpan({ traceId, spanId: ids(16), parentSpanId: parent, at: at(), service: plan.service });
      spans.push(call);
      subtree.push(call);
    }
    if (plan.orphanLlm)
      spans.push(llmSpan({ traceId, spanId: ids(16), parentSpanId: ids(16), at: at(), service: plan.service }));
    for (const r of plan.inTreeRewards) {
      const host = r.onDecision ? decision : subtree[subtree.length - 1]!;
      const extra = {
        'trading.reward.name': r.name,
        ...unitAndMark(r),
        ...(r.namesDecision ? { 'trading.decision.id': did } : {}),
      };
      host['Events.Name'].push('trading.reward');
      host['Events.Timestamp'].push(at().toString());
      host['Events.Attributes'].push(
        Object.fromEntries(Object.entries(rewardEvent(0n, r.value, extra).attributes).map(([k, v]) => [k, String(v)])),
      );
    }
    for (const r of plan.remoteRewards) {
      const attrs = {
        'trading.reward.value': String(r.value),
        'trading.reward.name': r.name,
        'trading.reward.kind': 'realized',
        ...unitAndMark(r),
      };
      const remoteTrace = ids(32);
      if (r.via === 'span_did')
        spans.push(
          span({
            traceId: remoteTrace,
            at: at(),
            service: 'settler',
            attributes: { 'trading.operation.name': 'reward', 'trading.decision.id': did, ...attrs },
          }),
        );
      if (r.via === 'span_link')
        spans.push(
          span({
            traceId: remoteTrace,
            at: at(),
            service: 'settler',
            attributes: { 'trading.operation.name': 'reward', ...attrs },
            links: [{ traceId, spanId: decision.SpanId }],
          }),
        );
      if (r.via === 'event_did')
        spans.push(
          span({
            traceId: remoteTrace,
            at: at(),
            service: 'settler',
            events: [
              rewardEvent(at(), r.value, {
                'trading.reward.name': r.name,
                ...unitAndMark(r),
                'trading.decision.id': did,
              }),
            ],
          }),
        );
      if (r.via === 'unattached')
        spans.push(
          span({
            traceId: remoteTrace,
            at: at(),
            service: plan.service,
            events: [rewardEvent(at(), r.value, { 'trading.reward.name': r.name, ...unitAndMark(r) })],
          }),
        );
      if (r.via === 'log_did' || r.via === 'log_span' || r.via === 'unattached_log') {
        const target = subtree[subtree.length - 1]!;
        logs.push(
          logRow(
            at(),
            plan.service,
            r.via === 'log_span' ? target : undefined,
            r.via === 'log_did' ? { ...attrs, 'trading.decision.id': did } : attrs,
          ),
        );
      }
    }
    for (const c of plan.closes) {
      spans.push(
        span({
          traceId: ids(32),
          at: at(),
          service: plan.service,
          attributes: {
            'trading.operation.name': 'close_position',
            'trading.decision.id': did,
            'trading.position.realized_pnl': c.pnl,
            'trading.position.realized_return': c.ret,
            ...(c.position ? { 'trading.position.id': c.position } : {}),
          },
        }),
      );
    }
    for (const o of plan.orders) {
      spans.push(
        span({
          traceId,
          parentSpanId: decision.SpanId,
          spanId: ids(16),
          at: at(),
          service: plan.service,
          attributes: {
            'trading.operation.name': 'submit_order',
            'trading.decision.id': did,
            'trading.order.filled': o.filled,
            ...(o.position ? { 'trading.position.id': o.position } : {}),
          },
        }),
      );
    }
    if (plan.retried) spans.push(...spans.slice(first));
  }
  return { spans: shuffle(spans, seed), logs };
}

function logRow(at: bigint, service: string, host: SpanRow | undefined, attributes: Record<string, string>): LogRow {
  return {
    Timestamp: at.toString(),
    TraceId: host?.TraceId ?? '',
    SpanId: host?.SpanId ?? '',
    TraceFlags: 1,
    SeverityText: 'INFO',
    SeverityNumber: 9,
    ServiceName: service,
    Body: 'trading.reward',
    ResourceSchemaUrl: '',
    ResourceAttributes: { 'service.name': service },
    ScopeSchemaUrl: '',
    ScopeName: 'test',
    ScopeVersion: '0',
    ScopeAttributes: {},
    LogAttributes: attributes,
    EventName: 'trading.reward',
  };
}

/** Deterministic Fisher–Yates, so the engines see spans out of order and late. */
function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0 || 1;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
