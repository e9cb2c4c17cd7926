// A bot in plain JavaScript (ES modules) against the installed @tradetrace/sdk, as `npm run test:outside-in` runs it
// in a scratch project outside this repository. COLLECTOR_URL names the collector.
import { defineStrategy, init, rewardFunctions } from '@tradetrace/sdk';
import { z } from 'zod';

const tt = init({
  serviceName: 'outside-in-esm-bot',
  botId: 'esm-1',
  endpoint: process.env.COLLECTOR_URL,
  rewards: [rewardFunctions.realizedPnl({ unit: 'USDC' })],
});
const v1 = defineStrategy('momentum', z.object({ rsiBuy: z.number() })).version({ rsiBuy: 30 });

await tt.runStrategy(v1, async () => {
  for (const [i, price] of [100, 101.5, 99.8].entries()) {
    const id = `esm-bot-${i}`;
    await tt.decide({ id, symbol: 'SOL/USDC:USDC', mode: 'paper', context: { price, rsi_14: 25 + i } }, async () => ({
      action: 'buy',
      confidence: 0.6,
      size: 1,
    }));
    tt.closePosition({ decisionId: id, side: 'long', entryPrice: price, exitPrice: price + 1, amount: 1 });
  }
});
await tt.shutdown();
