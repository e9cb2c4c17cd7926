import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRow, Storage } from '@tradetrace/storage';
import {
  holdOpportunityCostReward,
  markToMarketReturnReward,
  parsePrimaryRewardRule,
  realizedPnlReward,
  REWARD_PRESETS,
} from '../src/index.ts';
import { decideSpan, hexId, llmSpan, rewardEvent, SECOND, span, T0 } from './support/span-builders.ts';
import { extractWithBothEngines } from './support/both-engines.ts';
import { openTestStorage } from './support/test-storage.ts';

const HOUR = 3600n * SECOND;

/** A reward span as the SDK writes it once the decision span has ended: names the decision, links it, carries the event. */
function sdkRewardSpan(
  decision: { TraceId: string; SpanId: string },
  decisionId: string,
  at: bigint,
  value: number,
  name = 'primary',
  service = 'settler',
  more: Record<string, string> = {},
) {
  const attrs = {
    'trading.decision.id': decisionId,
    'trading.reward.value': value,
    'trading.reward.name': name,
    'trading.reward.kind': 'realized',
    ...more,
  };
  return span({
    traceId: hexId(32),
    at,
    service,
    attributes: { 'trading.operation.name': 'reward', ...attrs },
    events: [{ at, name: 'trading.reward', attributes: attrs }],
    links: [{ traceId: decision.TraceId, spanId: decision.SpanId }],
  });
}

function rewardLog(at: bigint, attributes: Record<string, string>, host?: { TraceId: string; SpanId: string }): LogRow {
  return {
    Timestamp: at.toString(),
    TraceId: host?.TraceId ?? '',
    SpanId: host?.SpanId ?? '',
    TraceFlags: 1,
    SeverityText: 'INFO',
    SeverityNumber: 9,
    ServiceName: 'settler',
    Body: '',
    ResourceSchemaUrl: '',
    ResourceAttributes: {},
    ScopeSchemaUrl: '',
    ScopeName: 'test',
    ScopeVersion: '0',
    ScopeAttributes: {},
    LogAttributes: attributes,
    EventName: 'trading.reward',
  };
}

describe('reward attribution', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await openTestStorage();
  });
  afterAll(async () => {
    await storage.close();
  });

  it('joins a reward that arrives an hour later in another trace and process by decision id, counted once', async () => {
    const d = decideSpan({ traceId: hexId(32), at: T0, decisionId: 'late' });
    const triplets = await extractWithBothEngines(storage, [sdkRewardSpan(d, 'late', T0 + HOUR, 4.5), d]);
    expect(triplets.get('late')!.reward).toEqual({
      value: 4.5,
      primary: 'primary',
      unit: '',
      components: { primary: 4.5 },
      units: { primary: '' },
      kind: 'realized',
      match: 'decision_id',
      count: 1,
    });
  });

  it('keeps two named rewards of one decision as components and sums them by default', async () => {
    const d = decideSpan({ traceId: hexId(32), at: T0, decisionId: 'two' });
    const spans = [
      d,
      sdkRewardSpan(d, 'two', T0 + HOUR, 3, 'pnl'),
      sdkRewardSpan(d, 'two', T0 + 2n * HOUR, -1, 'risk'),
    ];
    const byDefault = await extractWithBothEngines(storage, spans);
    expect(byDefault.get('two')!.reward).toMatchObject({ value: 2, components: { pnl: 3, risk: -1 }, count: 2 });
    const weighted = await extractWithBothEngines(storage, spans, [], {
      primaryRule: parsePrimaryRewardRule('weighted:pnl=1,risk=0.5'),
    });
    expect(weighted.get('two')!.reward.value).toBe(2.5);
    const named = await extractWithBothEngines(storage, spans, [], {
      primaryRule: parsePrimaryRewardRule('component:risk'),
    });
    expect(named.get('two')!.reward.value).toBe(-1);
    const last = await extractWithBothEngines(storage, spans, [], { primaryRule: parsePrimaryRewardRule('last') });
    expect(last.get('two')!.reward.value).toBe(-1);
  });

  it('takes the primary component when there is one, and the latest value of a corrected component', async () => {
    const d = decideSpan({ traceId: hexId(32), at: T0, decisionId: 'corr' });
    const spans = [
      d,
      sdkRewardSpan(d, 'corr', T0 + HOUR, 1),
      sdkRewardSpan(d, 'corr', T0 + 2n * HOUR, 7),
      sdkRewardSpan(d, 'corr', T0 + HOUR, 100, 'bonus'),
    ];
    const t = (await extractWithBothEngines(storage, spans)).get('corr')!;
    expect(t.reward).toMatchObject({ value: 7, components: { primary: 7, bonus: 100 }, count: 3 });
  });

  it('never adds components in different units: null without a primary, the marked one keeps its name', async () => {
    const d = decideSpan({ traceId: hexId(32), at: T0, decisionId: 'units', symbol: 'SOL/USDC:USDC' });
    const ret = sdkRewardSpan(d, 'units', T0 + HOUR, 0.06, 'return', 'settler', { 'trading.reward.unit': '1' });
    const fee = sdkRewardSpan(d, 'units', T0 + HOUR, -0.8, 'fees', 'settler', { 'trading.reward.unit': 'USDC' });
    const mixed = (await extractWithBothEngines(storage, [d, ret, fee])).get('units')!;
    expect(mixed.reward).toMatchObject({
      value: null,
      primary: null,
      unit: null,
      units: { return: '1', fees: 'USDC' },
    });
    const summed = await extractWithBothEngines(storage, [d, ret, fee], [], {
      primaryRule: parsePrimaryRewardRule('sum'),
    });
    expect(summed.get('units')!.reward.value).toBeNull();

    const marked = sdkRewardSpan(d, 'units', T0 + HOUR, 0.06, 'return', 'settler', {
      'trading.reward.unit': '1',
      'trading.reward.primary': 'true',
    });
    const primary = (await extractWithBothEngines(storage, [d, marked, fee])).get('units')!;
    expect(primary.reward).toMatchObject({ value: 0.06, primary: 'return', unit: '1', kind: 'realized' });
    expect(primary.reward.components).toEqual({ return: 0.06, fees: -0.8 });

    const pnl = sdkRewardSpan(d, 'units', T0 + HOUR, 15.91, 'pnl', 'settler', { 'trading.reward.unit': 'USDC' });
    const sameUnit = (await extractWithBothEngines(storage, [d, pnl, fee])).get('units')!;
    expect(sameUnit.reward).toMatchObject({ primary: null, unit: 'USDC' });
    expect(sameUnit.reward.value).toBeCloseTo(15.11, 10);
  });

  it('gives reward functions their units: P&L in the settlement currency, returns in 1', async () => {
    const d = decideSpan({ traceId: hexId(32), at: T0, decisionId: 'fn', symbol: 'SOL/USDC:USDC' });
    const close = span({
      traceId: hexId(32),
      at: T0 + HOUR,
      attributes: {
        'trading.operation.name': 'close_position',
        'trading.decision.id': 'fn',
        'trading.position.realized_pnl': 15.91,
        'trading.position.realized_return': 0.0558,
      },
    });
    const triplets = await extractWithBothEngines(storage, [d, close], [], {
      rewardFunctions: [REWARD_PRESETS.realized_pnl!, REWARD_PRESETS.realized_return!],
    });
    expect(triplets.get('fn')!.reward).toMatchObject({
      value: null,
      units: { realized_pnl: 'USDC', realized_return: '1' },
    });
  });

  it('matches a reward span that only links the decision by link', async () => {
    const d = decideSpan({ traceId: hexId(32), at: T0, decisionId: 'linked' });
    const reward = span({
      traceId: hexId(32),
      at: T0 + HOUR,
      attributes: { 'trading.operation.name': 'reward', 'trading.reward.value': 2 },
      links: [{ traceId: d.TraceId, spanId: d.SpanId }],
    });
    expect((await extractWithBothEngines(storage, [d, reward])).get('linked')!.reward).toMatchObject({
      value: 2,
      match: 'link',
    });
  });

  it('matches a reward event inside the decision subtree by ancestry, through intermediate spans', async () => {
    const traceId = hexId(32);
    const d = decideSpan({ traceId, at: T0, decisionId: 'anc' });
    const step = span({ traceId, parentSpanId: d.SpanId, at: T0 + 1n });
    const call = llmSpan({ traceId, parentSpanId: step.SpanId, at: T0 + 2n, events: [rewardEvent(T0 + 3n, 0.5)] });
    const t = (await extractWithBothEngines(storage, [call, step, d])).get('anc')!;
    expect(t.reward).toMatchObject({ value: 0.5, match: 'ancestor' });
    expect(t.decision.llm_calls).toHaveLength(1);
  });

  it('prefers explicit rewards over implicit ones for the same decision', async () => {
    const traceId = hexId(32);
    const d = decideSpan({ traceId, at: T0, decisionId: 'both', events: [rewardEvent(T0 + 1n, 9)] });
    d['Events.Attributes'][0] = { 'trading.reward.value': '9', 'trading.reward.name': 'guess' };
    d.SpanAttributes['trading.decision.id'] = '';
    const child = span({
      traceId,
      parentSpanId: d.SpanId,
      at: T0 + 2n,
      events: [rewardEvent(T0 + 3n, 1, { 'trading.decision.id': d.SpanId })],
    });
    const t = (await extractWithBothEngines(storage, [d, child])).get(d.SpanId)!;
    expect(t.reward).toMatchObject({ value: 1, components: { primary: 1 }, match: 'decision_id', count: 1 });
  });

  it('reads reward log records by decision id and by the span they were emitted in', async () => {
    const traceId = hexId(32);
    const a = decideSpan({ traceId, at: T0, decisionId: 'log-a' });
    const b = decideSpan({ traceId: hexId(32), at: T0 + SECOND, decisionId: 'log-b' });
    const logs = [
      rewardLog(T0 + HOUR, { 'trading.decision.id': 'log-a', 'trading.reward.value': '3' }),
      rewardLog(T0 + HOUR, { 'trading.reward.value': '-2' }, b),
    ];
    const triplets = await extractWithBothEngines(storage, [a, b], logs);
    expect(triplets.get('log-a')!.reward).toMatchObject({ value: 3, match: 'decision_id' });
    expect(triplets.get('log-b')!.reward).toMatchObject({ value: -2, match: 'ancestor' });
  });

  it('matches by time order only when asked, to the latest earlier decision of the same service', async () => {
    const first = decideSpan({ traceId: hexId(32), at: T0, decisionId: 'first' });
    const second = decideSpan({ traceId: hexId(32), at: T0 + 10n * SECOND, decisionId: 'second' });
    const stray = span({ traceId: hexId(32), at: T0 + 20n * SECOND, events: [rewardEvent(T0 + 20n * SECOND, 5)] });
    const strict = await extractWithBothEngines(storage, [first, second, stray]);
    expect(strict.get('second')!.reward).toEqual({
      value: null,
      primary: null,
      unit: null,
      components: {},
      units: {},
      kind: null,
      match: 'none',
      count: 0,
    });
    const byTime = await extractWithBothEngines(storage, [first, second, stray], [], { matchByTime: true });
    expect(byTime.get('second')!.reward).toMatchObject({ value: 5, match: 'time' });
    expect(byTime.get('first')!.reward.match).toBe('none');
  });

  it('keeps realized P&L as the outcome unless a reward function makes it the reward', async () => {
    const d = decideSpan({ traceId: hexId(32), at: T0, decisionId: 'pnl' });
    const close = span({
      traceId: hexId(32),
      at: T0 + HOUR,
      attributes: {
        'trading.operation.name': 'close_position',
        'trading.decision.id': 'pnl',
        'trading.position.realized_pnl': 12.5,
        'trading.position.realized_return': 0.025,
        'trading.position.id': 'pos-9',
      },
    });
    const plain = (await extractWithBothEngines(storage, [d, close])).get('pnl')!;
    expect(plain.reward.value).toBeNull();
    expect(plain.outcome).toMatchObject({ realized_pnl: 12.5, realized_return: 0.025 });
    const rewarded = (
      await extractWithBothEngines(storage, [d, close], [], { rewardFunctions: [realizedPnlReward] })
    ).get('pnl')!;
    expect(rewarded.reward).toMatchObject({
      value: 12.5,
      components: { realized_pnl: 12.5 },
      kind: 'realized',
      match: 'decision_id',
    });
    expect(rewarded.episode.id).toBe('pos-9');
  });

  it('gives holds mark-to-market and counterfactual rewards from prices later decisions observed', async () => {
    const hold = decideSpan({ traceId: hexId(32), at: T0, decisionId: 'hold', action: 'hold', price: 100 });
    const buy = decideSpan({ traceId: hexId(32), at: T0 + 60n * SECOND, decisionId: 'buy', action: 'buy', price: 104 });
    const later = decideSpan({
      traceId: hexId(32),
      at: T0 + 20n * 60n * SECOND,
      decisionId: 'later',
      action: 'sell',
      price: 110,
    });
    const other = decideSpan({
      traceId: hexId(32),
      at: T0 + 30n * SECOND,
      decisionId: 'eth',
      symbol: 'ETH/USDT',
      price: 5,
    });
    const options = { horizonSeconds: 15 * 60, rewardFunctions: [markToMarketReturnReward, holdOpportunityCostReward] };
    const triplets = await extractWithBothEngines(storage, [hold, buy, later, other], [], options);
    expect(triplets.get('hold')!.outcome).toMatchObject({ horizon_s: 900, price_at_horizon: 110, market_return: 0.1 });
    expect(triplets.get('hold')!.reward).toMatchObject({
      components: { mark_to_market_return: 0, hold_opportunity_cost: -0.1 },
      kind: 'mark_to_market',
      match: 'time',
    });
    expect(triplets.get('buy')!.reward.components.mark_to_market_return).toBeCloseTo(6 / 104, 12);
    expect(triplets.get('later')!.outcome.price_at_horizon).toBeNull();
    expect(triplets.get('eth')!.outcome.price_at_horizon).toBeNull();
  });

  it('gives each step of an episode its discounted return', async () => {
    const steps = [1, 0, 4].map((reward, i) => {
      const d = decideSpan({
        traceId: hexId(32),
        at: T0 + BigInt(i) * 60n * SECOND,
        decisionId: `step-${i}`,
        attributes: { 'trading.position.id': 'pos-1' },
      });
      return reward === 0 ? [d] : [d, sdkRewardSpan(d, `step-${i}`, T0 + HOUR, reward)];
    });
    const solo = decideSpan({ traceId: hexId(32), at: T0 + 30n * SECOND, decisionId: 'solo' });
    const triplets = await extractWithBothEngines(storage, [...steps.flat(), solo], [], { gamma: 0.5 });
    expect([0, 1, 2].map((i) => triplets.get(`step-${i}`)!.episode)).toEqual([
      { id: 'pos-1', step: 0, discounted_return: 1 + 0.5 * (0 + 0.5 * 4) },
      { id: 'pos-1', step: 1, discounted_return: 0 + 0.5 * 4 },
      { id: 'pos-1', step: 2, discounted_return: 4 },
    ]);
    expect(triplets.get('solo')!.episode).toEqual({ id: null, step: 0, discounted_return: null });
  });
});
