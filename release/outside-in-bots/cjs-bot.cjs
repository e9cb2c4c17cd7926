// The same bot in CommonJS: `require('@tradetrace/sdk')` loads the ES module build (Node >= 22.12 requires ES
// modules without a flag). COLLECTOR_URL names the collector.
const { defineStrategy, init, rewardFunctions } = require('@tradetrace/sdk');
const { z } = require('zod');

async function main() {
  const tt = init({
    serviceName: 'outside-in-cjs-bot',
    botId: 'cjs-1',
    endpoint: process.env.COLLECTOR_URL,
    rewards: [rewardFunctions.realizedPnl({ unit: 'USDC' })],
  });
  const v1 = defineStrategy('momentum', z.object({ rsiBuy: z.number() })).version({ rsiBuy: 35 });
  await tt.runStrategy(v1, async () => {
    for (const [i, price] of [50, 49.2, 51.7].entries()) {
      const id = `cjs-bot-${i}`;
      await tt.decide({ id, symbol: 'ETH/USDC:USDC', mode: 'paper', context: { price } }, () => ({ action: 'sell' }));
      tt.closePosition({ decisionId: id, side: 'short', entryPrice: price, exitPrice: price - 0.5, amount: 2 });
    }
  });
  await tt.shutdown();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
