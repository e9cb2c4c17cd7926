import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defineReward,
  init,
  rewardFunctions,
  semconv as A,
  type CcxtOrderLike,
  type CcxtPositionLike,
  type DecisionRef,
  type DecisionScope,
  type TradeTrace,
} from '@tradetrace/sdk';
import { InMemorySpanExporter } from '@tradetrace/sdk/testing';
import { inMemorySdk } from './support/in-memory-sdk.ts';

const strategy = { name: 'momentum', version: 'abc123' };
let current: TradeTrace[] = [];
afterEach(async () => {
  await Promise.all(current.map((t) => t.shutdown()));
  current = [];
});

function sdk(options = {}) {
  const made = inMemorySdk(options);
  current.push(made.tt);
  return made;
}

/** A CCXT market order as `exchange.createOrder()` returns it on an exchange that reports its fills. */
const filledOrder: CcxtOrderLike & { info: object; datetime: string } = {
  id: '1234567',
  clientOrderId: 'tt-d1',
  timestamp: 1_760_000_000_000,
  datetime: '2025-10-09T08:53:20.000Z',
  status: 'closed',
  symbol: 'SOL/USDC:USDC',
  type: 'market',
  timeInForce: 'IOC',
  side: 'buy',
  price: undefined,
  average: 142.55,
  amount: 2,
  filled: 2,
  remaining: 0,
  cost: 285.1,
  reduceOnly: false,
  postOnly: false,
  fee: { cost: 0.11, currency: 'USDC' },
  trades: [
    {
      id: 't-1',
      order: '1234567',
      timestamp: 1_760_000_000_100,
      symbol: 'SOL/USDC:USDC',
      side: 'buy',
      takerOrMaker: 'taker',
      price: 142.5,
      amount: 1.5,
      cost: 213.75,
      fee: { cost: 0.08, currency: 'USDC' },
    },
    {
      id: 't-2',
      order: '1234567',
      timestamp: 1_760_000_000_200,
      symbol: 'SOL/USDC:USDC',
      side: 'buy',
      takerOrMaker: 'taker',
      price: 142.7,
      amount: 0.5,
      cost: 71.35,
      fee: { cost: 0.03, currency: 'USDC' },
    },
  ],
  info: { raw: 'exchange payload' },
};

describe('rewards', () => {
  it('inside the decision: an event on its span; after it: a reward span linked to it', async () => {
    const { tt, spans } = sdk();
    let ref: DecisionRef | undefined;
    await tt.decide({ strategy, symbol: 'SOL/USDC:USDC', id: 'd-1' }, (decision) => {
      ref = decision.ref;
      tt.emitReward({ value: 0.25, name: 'shaping', kind: 'counterfactual' });
      decision.reward(-0.01, { name: 'latency_penalty' });
      return { action: 'buy' as const };
    });
    tt.emitReward({ decisionId: 'd-1', value: 1.5, unit: 'USDC', horizonSeconds: 3600 });
    tt.emitReward({ decisionId: 'd-1', value: -0.11, name: 'fees', unit: 'USDC' });

    const all = await spans();
    const decide = all.find((s) => s.name.startsWith('decide'))!;
    expect(decide.events.map((e) => e.attributes)).toEqual([
      {
        [A.ATTR_TRADING_DECISION_ID]: 'd-1',
        [A.ATTR_TRADING_REWARD_VALUE]: 0.25,
        [A.ATTR_TRADING_REWARD_NAME]: 'shaping',
        [A.ATTR_TRADING_REWARD_KIND]: 'counterfactual',
      },
      {
        [A.ATTR_TRADING_DECISION_ID]: 'd-1',
        [A.ATTR_TRADING_REWARD_VALUE]: -0.01,
        [A.ATTR_TRADING_REWARD_NAME]: 'latency_penalty',
        [A.ATTR_TRADING_REWARD_KIND]: 'realized',
      },
    ]);
    const rewards = all.filter((s) => s.name === 'reward SOL/USDC:USDC');
    expect(rewards).toHaveLength(2);
    for (const reward of rewards) {
      expect(reward.spanContext().traceId).not.toBe(decide.spanContext().traceId);
      expect(reward.links.map((l) => l.context.spanId)).toEqual([decide.spanContext().spanId]);
      expect(reward.events.map((e) => e.name)).toEqual([A.EVENT_TRADING_REWARD]);
      expect(reward.attributes).toMatchObject({
        [A.ATTR_TRADING_OPERATION_NAME]: 'reward',
        [A.ATTR_TRADING_DECISION_ID]: 'd-1',
        [A.ATTR_TRADING_STRATEGY_VERSION]: 'abc123',
        [A.ATTR_TRADING_REWARD_UNIT]: 'USDC',
      });
    }
    expect(
      rewards.map((r) => [r.attributes[A.ATTR_TRADING_REWARD_NAME], r.attributes[A.ATTR_TRADING_REWARD_VALUE]]).sort(),
    ).toEqual([
      ['fees', -0.11],
      ['primary', 1.5],
    ]);
    expect(ref).toMatchObject({
      decisionId: 'd-1',
      symbol: 'SOL/USDC:USDC',
      strategyName: 'momentum',
      strategyVersion: 'abc123',
    });
    expect(ref!.traceparent).toBe(`00-${decide.spanContext().traceId}-${decide.spanContext().spanId}-01`);
  });

  it('links a reward to a decision made in another process through its ref', async () => {
    const botA = sdk();
    let ref: DecisionRef | undefined;
    await botA.tt.decide({ strategy, symbol: 'ETH/USDT', id: 'remote-1' }, (d) => {
      ref = JSON.parse(JSON.stringify(d.ref));
      return { action: 'sell' as const };
    });
    const botB = sdk();
    botB.tt.emitReward({ decision: ref!, value: 3 });
    const decide = await botA.span('decide ETH/USDT');
    const reward = await botB.span('reward ETH/USDT');
    expect(reward.links[0]!.context).toMatchObject({
      traceId: decide.spanContext().traceId,
      spanId: decide.spanContext().spanId,
    });
    expect(reward.attributes).toMatchObject({
      [A.ATTR_TRADING_DECISION_ID]: 'remote-1',
      [A.ATTR_TRADING_STRATEGY_NAME]: 'momentum',
      [A.ATTR_TRADING_STRATEGY_VERSION]: 'abc123',
    });
  });

  it('decision.reward after the decision ended: a reward span linked to it; a non-finite one is reported', async () => {
    const { tt, spans, logger } = sdk();
    let scope: DecisionScope | undefined;
    await tt.decide({ strategy, symbol: 'SOL/USDC:USDC', id: 'd-late' }, (decision) => {
      scope = decision;
      decision.reward(Number.POSITIVE_INFINITY);
      return { action: 'sell' as const };
    });
    scope!.reward(2, { name: 'pnl', unit: 'USDC' });
    const all = await spans();
    const decide = all.find((s) => s.name.startsWith('decide'))!;
    expect(decide.events).toHaveLength(0);
    const reward = all.find((s) => s.name === 'reward SOL/USDC:USDC')!;
    expect(reward.links.map((l) => l.context.spanId)).toEqual([decide.spanContext().spanId]);
    expect(reward.attributes).toMatchObject({
      [A.ATTR_TRADING_DECISION_ID]: 'd-late',
      [A.ATTR_TRADING_REWARD_NAME]: 'pnl',
      [A.ATTR_TRADING_REWARD_VALUE]: 2,
      [A.ATTR_TRADING_REWARD_UNIT]: 'USDC',
    });
    expect(logger.warnings.join('\n')).toMatch(/d-late with a non-finite value/);
  });

  it('ignores (and reports) a reward without a decision or with a non-finite value', async () => {
    const { tt, spans, logger } = sdk();
    tt.emitReward({ value: 1 });
    tt.emitReward({ decisionId: 'x', value: Number.NaN });
    expect(await spans()).toHaveLength(0);
    expect(logger.warnings.join('\n')).toMatch(/without a decision[\s\S]*non-finite/);
  });
});

describe('orders and fills (CCXT shapes)', () => {
  it('traces submitOrder around the exchange call, with the fills the order carries as events', async () => {
    const { tt, spans } = sdk();
    const placed = await tt.decide({ strategy, symbol: 'SOL/USDC:USDC', id: 'd-1' }, async () => {
      const order = await tt.submitOrder(
        {
          symbol: 'SOL/USDC:USDC',
          type: 'market',
          side: 'buy',
          amount: 2,
          params: { clientOrderId: 'tt-d1', timeInForce: 'ioc' },
          exchange: 'binanceusdm',
        },
        async () => filledOrder,
      );
      return { action: 'buy' as const, order };
    });
    expect(placed.order).toBe(filledOrder);
    const all = await spans();
    const decide = all.find((s) => s.name.startsWith('decide'))!;
    const submit = all.find((s) => s.name === 'submit_order SOL/USDC:USDC')!;
    expect(submit.kind).toBe(SpanKind.CLIENT);
    expect(submit.parentSpanContext?.spanId).toBe(decide.spanContext().spanId);
    expect(submit.attributes).toEqual({
      [A.ATTR_TRADING_OPERATION_NAME]: 'submit_order',
      [A.ATTR_TRADING_DECISION_ID]: 'd-1',
      [A.ATTR_TRADING_EXCHANGE]: 'binanceusdm',
      [A.ATTR_TRADING_STRATEGY_NAME]: 'momentum',
      [A.ATTR_TRADING_STRATEGY_VERSION]: 'abc123',
      [A.ATTR_TRADING_SYMBOL]: 'SOL/USDC:USDC',
      [A.ATTR_TRADING_ORDER_ID]: '1234567',
      [A.ATTR_TRADING_ORDER_CLIENT_ORDER_ID]: 'tt-d1',
      [A.ATTR_TRADING_ORDER_SIDE]: 'buy',
      [A.ATTR_TRADING_ORDER_TYPE]: 'market',
      [A.ATTR_TRADING_ORDER_TIME_IN_FORCE]: 'IOC',
      [A.ATTR_TRADING_ORDER_AMOUNT]: 2,
      [A.ATTR_TRADING_ORDER_STATUS]: 'closed',
      [A.ATTR_TRADING_ORDER_FILLED]: 2,
      [A.ATTR_TRADING_ORDER_REMAINING]: 0,
      [A.ATTR_TRADING_ORDER_AVERAGE]: 142.55,
      [A.ATTR_TRADING_ORDER_COST]: 285.1,
      [A.ATTR_TRADING_ORDER_FEE_COST]: 0.11,
      [A.ATTR_TRADING_ORDER_FEE_CURRENCY]: 'USDC',
      [A.ATTR_TRADING_ORDER_REDUCE_ONLY]: false,
      [A.ATTR_TRADING_ORDER_POST_ONLY]: false,
    });
    expect(submit.events.map((e) => e.name)).toEqual([A.EVENT_TRADING_ORDER_FILL, A.EVENT_TRADING_ORDER_FILL]);
    expect(submit.events[0]!.attributes).toEqual({
      [A.ATTR_TRADING_TRADE_ID]: 't-1',
      [A.ATTR_TRADING_ORDER_ID]: '1234567',
      [A.ATTR_TRADING_FILL_PRICE]: 142.5,
      [A.ATTR_TRADING_FILL_AMOUNT]: 1.5,
      [A.ATTR_TRADING_FILL_COST]: 213.75,
      [A.ATTR_TRADING_FILL_FEE_COST]: 0.08,
      [A.ATTR_TRADING_FILL_FEE_CURRENCY]: 'USDC',
      [A.ATTR_TRADING_FILL_LIQUIDITY]: 'taker',
    });
    expect(submit.events[0]!.time[0]).toBe(1_760_000_000);
  });

  it('passes an exchange error through and marks the order span failed', async () => {
    const { tt, span } = sdk();
    class InsufficientFunds extends Error {
      override name = 'InsufficientFunds';
    }
    const error = new InsufficientFunds('balance 3 USDC');
    await expect(
      tt.submitOrder({ symbol: 'BTC/USDT', type: 'limit', side: 'buy', amount: 1, price: 60_000 }, () =>
        Promise.reject(error),
      ),
    ).rejects.toBe(error);
    const submit = await span('submit_order BTC/USDT');
    expect(submit.status.code).toBe(SpanStatusCode.ERROR);
    expect(submit.attributes).toMatchObject({
      [A.ATTR_ERROR_TYPE]: 'InsufficientFunds',
      [A.ATTR_TRADING_ORDER_PRICE]: 60_000,
      [A.ATTR_TRADING_ORDER_TYPE]: 'limit',
    });
  });

  it('records later updates and fills once each, linked to the submit span and its decision', async () => {
    const { tt, spans } = sdk();
    const resting: CcxtOrderLike = {
      id: 'o-9',
      symbol: 'ETH/USDT',
      type: 'limit',
      side: 'sell',
      price: 3000,
      amount: 1,
      filled: 0,
      status: 'open',
      trades: [],
    };
    await tt.decide({ strategy, symbol: 'ETH/USDT', id: 'd-9' }, async () => {
      await tt.submitOrder(
        { symbol: 'ETH/USDT', type: 'limit', side: 'sell', amount: 1, price: 3000, params: { postOnly: true } },
        () => resting,
      );
      return { action: 'sell' as const };
    });
    const fill = {
      id: 'f-1',
      order: 'o-9',
      symbol: 'ETH/USDT',
      price: 3000,
      amount: 1,
      takerOrMaker: 'maker',
      fee: { cost: 0.3, currency: 'USDT' },
    };
    tt.recordFills([fill]);
    tt.recordOrderUpdate({ ...resting, status: 'closed', filled: 1, average: 3000, trades: [fill] });
    tt.recordFills([fill]);
    const all = await spans();
    const submit = all.find((s) => s.name === 'submit_order ETH/USDT')!;
    const updates = all.filter((s) => s.name === 'order_update ETH/USDT');
    expect(updates).toHaveLength(2);
    for (const u of updates) {
      expect(u.links.map((l) => l.context.spanId)).toEqual([submit.spanContext().spanId]);
      expect(u.attributes[A.ATTR_TRADING_DECISION_ID]).toBe('d-9');
      expect(u.attributes[A.ATTR_TRADING_OPERATION_NAME]).toBe('order_update');
    }
    expect(updates.flatMap((u) => u.events).map((e) => e.attributes?.[A.ATTR_TRADING_TRADE_ID])).toEqual(['f-1']);
    expect(updates.find((u) => u.attributes[A.ATTR_TRADING_ORDER_STATUS] === 'closed')).toBeDefined();
  });

  it('traces cancelOrder', async () => {
    const { tt, span } = sdk();
    const result = await tt.cancelOrder({ orderId: 'o-1', symbol: 'BTC/USDT', decisionId: 'd-3' }, async () => ({
      id: 'o-1',
      status: 'canceled',
    }));
    expect(result.status).toBe('canceled');
    expect((await span('cancel_order BTC/USDT')).attributes).toMatchObject({
      [A.ATTR_TRADING_OPERATION_NAME]: 'cancel_order',
      [A.ATTR_TRADING_ORDER_ID]: 'o-1',
      [A.ATTR_TRADING_ORDER_STATUS]: 'canceled',
      [A.ATTR_TRADING_DECISION_ID]: 'd-3',
    });
  });

  it("links a cancel made outside any decision to the order's decision, and to its submit span", async () => {
    const { tt, spans } = sdk();
    await tt.submitOrder(
      { symbol: 'BTC/USDT', type: 'limit', side: 'buy', amount: 1, price: 90_000, decisionId: 'd-4' },
      () => ({
        id: 'o-2',
        status: 'open',
      }),
    );
    await tt.cancelOrder({ orderId: 'o-2', symbol: 'BTC/USDT' }, () => ({ id: 'o-2', status: 'canceled' }));
    const all = await spans();
    const submit = all.find((s) => s.name === 'submit_order BTC/USDT')!;
    const cancel = all.find((s) => s.name === 'cancel_order BTC/USDT')!;
    expect(cancel.attributes[A.ATTR_TRADING_DECISION_ID]).toBe('d-4');
    expect(cancel.links.map((l) => l.context.spanId)).toEqual([submit.spanContext().spanId]);
  });
});

describe('position close and reward functions', () => {
  const position: CcxtPositionLike = {
    id: 'p-1',
    symbol: 'SOL/USDC:USDC',
    side: 'long',
    contracts: 4,
    contractSize: 0.5,
    entryPrice: 140,
    timestamp: Date.now() - 90_000,
    leverage: 3,
    marginMode: 'isolated',
  };

  it('closes a position given as CCXT position, computing P&L and return, and applies every reward function', async () => {
    const { tt, spans } = sdk({
      rewards: [rewardFunctions.realizedPnl(), rewardFunctions.feePenalty()],
    });
    tt.addRewardFunction(
      defineReward('drawdown_penalty', (c) =>
        c.realizedReturn !== undefined && c.realizedReturn < 0 ? c.realizedReturn * 2 : 0,
      ),
    );
    tt.addRewardFunction(
      defineReward('broken', () => {
        throw new Error('bug in reward fn');
      }),
    );
    await tt.decide({ strategy, symbol: 'SOL/USDC:USDC', id: 'open-1' }, () => ({ action: 'buy' as const }));
    tt.closePosition({ decisionId: 'open-1', position, exitPrice: 150, fees: 0.4, exitReason: 'take_profit' });

    const all = await spans();
    const decide = all.find((s) => s.name.startsWith('decide'))!;
    const close = all.find((s) => s.name === 'close_position SOL/USDC:USDC')!;
    expect(close.links.map((l) => l.context.spanId)).toEqual([decide.spanContext().spanId]);
    expect(close.attributes).toMatchObject({
      [A.ATTR_TRADING_OPERATION_NAME]: 'close_position',
      [A.ATTR_TRADING_DECISION_ID]: 'open-1',
      [A.ATTR_TRADING_POSITION_ID]: 'p-1',
      [A.ATTR_TRADING_POSITION_SIDE]: 'long',
      [A.ATTR_TRADING_POSITION_ENTRY_PRICE]: 140,
      [A.ATTR_TRADING_POSITION_EXIT_PRICE]: 150,
      [A.ATTR_TRADING_POSITION_AMOUNT]: 2,
      [A.ATTR_TRADING_POSITION_REALIZED_PNL]: 19.6,
      [A.ATTR_TRADING_POSITION_FEES]: 0.4,
      [A.ATTR_TRADING_POSITION_EXIT_REASON]: 'take_profit',
      [A.ATTR_TRADING_POSITION_LEVERAGE]: 3,
      [A.ATTR_TRADING_POSITION_MARGIN_MODE]: 'isolated',
      [A.ATTR_TRADING_STRATEGY_VERSION]: 'abc123',
    });
    expect(close.attributes[A.ATTR_TRADING_POSITION_REALIZED_RETURN]).toBeCloseTo(0.07, 10);
    expect(close.attributes[A.ATTR_TRADING_POSITION_DURATION_S]).toBeGreaterThanOrEqual(90);

    const rewards = all
      .filter((s) => s.name === 'reward SOL/USDC:USDC')
      .map((s) => [
        s.attributes[A.ATTR_TRADING_REWARD_NAME],
        s.attributes[A.ATTR_TRADING_REWARD_VALUE],
        s.attributes[A.ATTR_TRADING_REWARD_UNIT],
        s.attributes[A.ATTR_TRADING_REWARD_PRIMARY],
      ]);
    // The first function declared is the primary one and keeps its name; P&L and fees are in the settlement currency.
    expect(rewards.sort()).toEqual([
      ['drawdown_penalty', 0, undefined, undefined],
      ['fees', -0.4, 'USDC', undefined],
      ['pnl', 19.6, 'USDC', true],
    ]);
  });

  it('keeps the explicit shape the demo uses', async () => {
    const { tt, span } = sdk();
    tt.closePosition({
      decisionId: 'unknown',
      positionId: 'p-2',
      symbol: 'BTC/USDT',
      side: 'short',
      entryPrice: 100,
      exitPrice: 90,
      amount: 1,
      realizedPnl: 9.9,
      realizedReturn: 0.099,
      fees: 0.1,
      durationSeconds: 60,
      exitReason: 'signal',
    });
    expect((await span('close_position BTC/USDT')).attributes).toMatchObject({
      [A.ATTR_TRADING_POSITION_REALIZED_PNL]: 9.9,
      [A.ATTR_TRADING_POSITION_SIDE]: 'short',
      [A.ATTR_TRADING_POSITION_DURATION_S]: 60,
    });
  });
});

describe('hooks', () => {
  it('calls every lifecycle hook, and a hook that throws never reaches the bot', async () => {
    const seen: string[] = [];
    const { tt, logger } = sdk({
      hooks: {
        onBotStart: () => void seen.push('start'),
        onDecisionStart: (e: { decisionId: string }) => void seen.push(`decision-start ${e.decisionId}`),
        onDecisionEnd: (e: { decisionId: string; action?: string }) =>
          void seen.push(`decision-end ${e.decisionId} ${e.action}`),
        onOrder: (e: { operation: string }) => void seen.push(`order ${e.operation}`),
        onFill: (e: { trade: { id?: unknown } }) => void seen.push(`fill ${String(e.trade.id)}`),
        onPositionClose: (e: { positionId?: string }) => void seen.push(`close ${e.positionId}`),
        onReward: (e: { name: string; recordedAs: string }) => void seen.push(`reward ${e.name} ${e.recordedAs}`),
        onBotStop: async () => void seen.push('stop'),
      },
    });
    tt.addHooks({
      onDecisionStart: () => {
        throw new Error('hook bug');
      },
      onReward: async () => {
        throw new Error('async hook bug');
      },
      onBotStop: () => {
        throw new Error('teardown bug');
      },
    });
    await tt.decide({ strategy, symbol: 'SOL/USDC:USDC', id: 'h-1' }, async () => {
      await tt.submitOrder(
        { symbol: 'SOL/USDC:USDC', type: 'market', side: 'buy', amount: 2 },
        async () => filledOrder,
      );
      tt.emitReward({ value: 1, name: 'inside' });
      return { action: 'buy' as const };
    });
    tt.closePosition({
      decisionId: 'h-1',
      positionId: 'p-1',
      symbol: 'SOL/USDC:USDC',
      side: 'long',
      entryPrice: 1,
      exitPrice: 2,
      amount: 1,
    });
    tt.emitReward({ decisionId: 'h-1', value: 2 });
    await new Promise((r) => setImmediate(r));
    await tt.shutdown();
    expect(seen).toEqual([
      'start',
      'decision-start h-1',
      'fill t-1',
      'fill t-2',
      'order submit_order',
      'reward inside event',
      'decision-end h-1 buy',
      'close p-1',
      'reward primary span',
      'stop',
    ]);
    expect(tt.stats().hookErrors).toBe(4);
    expect(logger.errors.join('\n')).toMatch(
      /hook onDecisionStart threw[\s\S]*hook onReward threw[\s\S]*hook onBotStop threw/,
    );
  });
});

describe('a disabled SDK', () => {
  it('runs the bot code and nothing else', async () => {
    const exporter = new InMemorySpanExporter();
    const previous = process.env.TRADETRACE_DISABLED;
    process.env.TRADETRACE_DISABLED = '1';
    try {
      const tt = init({ serviceName: 'bot', exporter });
      expect(tt.enabled).toBe(false);
      const result = await tt.decide({ strategy, symbol: 'X' }, (d) => ({ action: 'hold' as const, id: d.id }));
      expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(tt.decideSync({ symbol: 'X' }, () => ({ action: 'buy' as const }))).toEqual({ action: 'buy' });
      expect(await tt.submitOrder({ symbol: 'X', side: 'buy', type: 'market', amount: 1 }, () => 'placed')).toBe(
        'placed',
      );
      expect(tt.runStrategy(strategy, () => 7)).toBe(7);
      const client = { chat: { completions: { create: () => 'untouched' } } };
      expect(tt.instrumentOpenAI(client)).toBe(client);
      expect(client.chat.completions.create()).toBe('untouched');
      tt.emitReward({ decisionId: 'x', value: 1 });
      tt.closePosition({ decisionId: 'x' });
      await tt.shutdown();
      expect(exporter.getFinishedSpans()).toHaveLength(0);
    } finally {
      if (previous === undefined) delete process.env.TRADETRACE_DISABLED;
      else process.env.TRADETRACE_DISABLED = previous;
    }
  });

  it('is what init gives without an endpoint, or with invalid options (reported, not thrown)', () => {
    const errors: string[] = [];
    expect(init({ serviceName: 'bot' }).enabled).toBe(false);
    expect(
      init({ serviceName: '', endpoint: 'not a url', logger: { warn: () => {}, error: (m) => errors.push(m) } })
        .enabled,
    ).toBe(false);
    expect(errors[0]).toMatch(/invalid options/);
  });
});
