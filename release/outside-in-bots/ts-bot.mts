// A TypeScript bot, type-checked with `tsc --strict` against the .d.ts files the installed @tradetrace/sdk ships.
import { type DecisionResult, defineStrategy, init, rewardFunctions, type TradeTrace } from '@tradetrace/sdk';
import { z } from 'zod';

const tt: TradeTrace = init({
  serviceName: 'outside-in-ts-bot',
  endpoint: process.env.COLLECTOR_URL,
  rewards: [rewardFunctions.realizedPnl({ unit: 'USDC' })],
});
const momentum = defineStrategy('momentum', z.object({ rsiBuy: z.number(), model: z.string().default('rules') }));
const v1 = momentum.version({ rsiBuy: 30 });
const model: string = v1.config.model;

const result = await tt.runStrategy(v1, () =>
  tt.decide({ symbol: 'SOL/USDC:USDC', kind: 'rule', context: { price: 100, model } }, (d) => {
    d.setContext({ spread: 0.01 });
    const decided: DecisionResult = { action: 'hold', confidence: 0.5 };
    return { ...decided, ref: d.ref };
  }),
);
tt.closePosition({ decision: result.ref, side: 'long', entryPrice: 100, exitPrice: 101, amount: 1 });
// @ts-expect-error: the shipped types reject a decision without a symbol.
await tt.decide({ context: {} }, () => ({ action: 'hold' }));
await tt.shutdown();
