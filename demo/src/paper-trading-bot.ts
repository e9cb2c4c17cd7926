import type { TradeTrace } from '@tradetrace/sdk';
import type { DemoStrategy } from './demo-strategies.ts';
import { computeFeatures } from './market-features.ts';
import { PaperBroker, type ClosedPosition } from './paper-broker.ts';
import type { Candle } from '@tradetrace/analytics';

export interface Market {
  symbol: string;
  candles: Candle[];
}

export interface PaperTradingRun {
  tt: TradeTrace;
  strategies: DemoStrategy[];
  markets: Market[];
  exchange: string;
  /** Called after each candle step with the number of steps done and the total. */
  onStep?: (done: number, total: number) => void;
}

export interface PaperTradingResult {
  decisions: number;
  closedPositions: ClosedPosition[];
}

/**
 * The demo bot: at every candle close, every strategy version decides for every symbol (concurrently, as a
 * multi-symbol bot does), its paper broker fills the decision, and every closed position is reported with a
 * reward on the decision that opened it — all through the tradetrace SDK.
 */
export async function runPaperTradingBot(run: PaperTradingRun): Promise<PaperTradingResult> {
  const { tt, strategies, markets } = run;
  const brokers = new Map<string, PaperBroker>();
  const brokerFor = (strategy: DemoStrategy, symbol: string): PaperBroker => {
    const key = `${strategy.ref.version}/${symbol}`;
    let broker = brokers.get(key);
    if (!broker) brokers.set(key, (broker = new PaperBroker(`${strategy.ref.version}-${symbol.split('/')[0]!.toLowerCase()}`)));
    return broker;
  };
  const closed: ClosedPosition[] = [];
  const report = (position: ClosedPosition | undefined, symbol: string) => {
    if (!position) return;
    closed.push(position);
    tt.closePosition({
      decisionId: position.decisionId,
      positionId: position.id,
      symbol,
      side: position.side,
      entryPrice: position.entryPrice,
      exitPrice: position.exitPrice,
      amount: position.amount,
      realizedPnl: position.realizedPnl,
      realizedReturn: position.realizedReturn,
      fees: position.entryFee + position.exitFee,
      durationSeconds: (position.closedAt - position.openedAt) / 1000,
      exitReason: position.exitReason,
    });
    tt.emitReward({ decisionId: position.decisionId, value: position.realizedReturn, unit: 'return' });
  };

  const warmup = Math.max(...strategies.map((s) => s.config.slowWindow));
  const steps = Math.min(...markets.map((m) => m.candles.length));
  let decisions = 0;
  for (let i = warmup; i < steps; i += 1) {
    await Promise.all(
      strategies.flatMap((strategy) =>
        markets.map(async ({ symbol, candles }) => {
          const candle = candles[i]!;
          const broker = brokerFor(strategy, symbol);
          const { config } = strategy;
          report(broker.checkExits(candle.close, candle.timestamp, config.stopLoss, config.takeProfit), symbol);
          const features = computeFeatures(candles.slice(i + 1 - config.slowWindow, i + 1), config.fastWindow, config.slowWindow);
          let decisionId = '';
          const decision = await tt.decide(
            {
              strategy: strategy.ref,
              symbol,
              kind: config.engine === 'llm' ? 'llm' : 'rule',
              exchange: run.exchange,
              marketType: 'swap',
              mode: 'paper',
              context: { ...features, position: broker.open?.side ?? 'flat', candle_time: new Date(candle.timestamp).toISOString() },
            },
            (scope) => {
              decisionId = scope.id;
              return strategy.decide(features, symbol);
            },
          );
          decisions += 1;
          report(broker.apply(decision.action, candle.close, candle.timestamp, config.notionalUsd, decisionId).closed, symbol);
        }),
      ),
    );
    run.onStep?.(i + 1 - warmup, steps - warmup);
  }
  for (const strategy of strategies) {
    for (const { symbol, candles } of markets) {
      const last = candles[steps - 1]!;
      report(brokerFor(strategy, symbol).close(last.close, last.timestamp, 'end_of_run'), symbol);
    }
  }
  return { decisions, closedPositions: closed };
}
