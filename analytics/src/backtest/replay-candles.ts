import type { TradeTrace } from '@tradetrace/sdk';
import type { BacktestBot } from './backtest-bot.ts';
import type { BacktestResult, BacktestTrade } from './backtest-result.ts';
import type { Candle } from './candle.ts';
import { SimulatedFills, type ResolvedFillModel } from './fill-model.ts';
import { SimulatedClock } from './simulated-clock.ts';

export interface ReplayInput {
  bot: BacktestBot;
  /** The version's config, validated by `bot.strategy`. */
  config: unknown;
  candles: readonly Candle[];
  symbol: string;
  fill: ResolvedFillModel;
  seed: number;
  /** Prefix of every decision and position id, so runs never collide in storage. */
  runId: string;
  tt: TradeTrace;
  /** Decisions between two flushes: the replay outruns any exporter, so it waits for it instead of overflowing the SDK's queue. Default 1000. */
  flushEvery?: number;
  /** `trading.mode` of the decisions. Default `backtest`; a simulated paper-trading run says `paper`. */
  mode?: 'backtest' | 'paper';
  /** `trading.exchange` of the decisions, when the run stands for one. */
  exchange?: string;
  /** Candles at the start that are history only (indicators warm up on them); decisions start after them. Default 0. */
  warmupCandles?: number;
  /** Also return the per-candle marked-to-market returns (`candleReturns`). Default false. */
  markToMarket?: boolean;
}

interface OpenPosition {
  decisionId: string;
  side: 'long' | 'short';
  entryPrice: number;
  amount: number;
  entryFee: number;
  openedAt: number;
}

type Strategy = ReturnType<BacktestBot['strategy']['version']>;
type Action = 'buy' | 'sell' | 'close';

/**
 * Replays candles through the bot's decide function on a simulated clock: a decision at candle i's close fills at
 * candle i+1's open (no look-ahead); an open position is closed at the last close. Every decision, position close
 * and reward goes through the SDK with `trading.mode=backtest`.
 */
export async function replayCandles(input: ReplayInput): Promise<BacktestResult> {
  const strategy = input.bot.strategy.version(input.config);
  const fills = new SimulatedFills(input.fill, input.seed);
  const clock = new SimulatedClock(input.candles[0]?.timestamp ?? 0);
  const book = new ReplayBook(input, fills, clock);
  let pending: { action: Action; decisionId: string } | null = null;
  let decisions = 0;
  const warmup = input.warmupCandles ?? 0;
  // Marked to market: realized PnL plus the open position's value at each close, per unit of position notional.
  const candleReturns: number[] = [];
  let markedEquity = 0;
  // Grows one candle per step: the bot sees the past and the present, never the future.
  const history: Candle[] = [];

  for (let i = 0; i < input.candles.length; i++) {
    const candle = input.candles[i]!;
    clock.advanceTo(candle.timestamp);
    history.push(candle);
    if (i < warmup) continue;
    // Orders decided at the previous close fill at this candle's open.
    if (pending) {
      const { action, decisionId } = pending;
      pending = null;
      book.execute(action, decisionId, candle.open);
    }
    const decisionId = `${input.runId}:${strategy.version}:${i}`;
    const action = await decideAtClose(input, strategy, { history, book, clock, decisionId });
    decisions++;
    if (input.markToMarket) {
      const equity = book.markAt(candle.close);
      candleReturns.push(equity - markedEquity);
      markedEquity = equity;
    }
    if (decisions % (input.flushEvery ?? 1000) === 0) await input.tt.forceFlush();
    if (action !== 'hold') pending = { action, decisionId };
  }
  const last = input.candles.at(-1);
  if (book.position && last) book.close(book.position, last.close, 'end_of_data');
  // The final close's slippage and fee belong to the last candle.
  if (input.markToMarket && candleReturns.length > 0) {
    const lastIndex = candleReturns.length - 1;
    candleReturns[lastIndex] = candleReturns[lastIndex]! + book.realized / fills.positionNotional - markedEquity;
  }
  return {
    strategyName: strategy.name,
    strategyVersion: strategy.version,
    runId: input.runId,
    decisions,
    trades: book.trades,
    totalPnl: book.trades.reduce((sum, t) => sum + t.realizedPnl, 0),
    droppedSpans: 0,
    ...(input.markToMarket ? { candleReturns } : {}),
  };
}

/** One decision at the close of the newest candle of `history`, traced through the SDK; returns its action. */
async function decideAtClose(
  input: ReplayInput,
  strategy: Strategy,
  at: { history: readonly Candle[]; book: ReplayBook; clock: SimulatedClock; decisionId: string },
): Promise<Action | 'hold'> {
  const candle = at.history.at(-1)!;
  const held = at.book.position;
  const view = held ? { side: held.side, entryPrice: held.entryPrice, openedAt: held.openedAt } : null;
  const decision = await input.tt.decide(
    {
      strategy: { name: strategy.name, version: strategy.version },
      symbol: input.symbol,
      id: at.decisionId,
      kind: input.bot.kind ?? 'rule',
      mode: input.mode ?? 'backtest',
      ...(input.exchange !== undefined ? { exchange: input.exchange } : {}),
      context: { price: candle.close, candle_time_ms: candle.timestamp, position: view?.side ?? 'flat' },
    },
    async (scope) => {
      const chosen = await input.bot.decide({
        candles: at.history,
        position: view,
        config: strategy.config,
        now: at.clock.now(),
        tt: input.tt,
      });
      if (chosen.context) scope.setContext(chosen.context);
      return { action: chosen.action, ...(chosen.confidence !== undefined ? { confidence: chosen.confidence } : {}) };
    },
  );
  return decision.action;
}

/** The replay's account: the open position and the closed trades, each close traced through the SDK. */
class ReplayBook {
  position: OpenPosition | null = null;
  readonly trades: BacktestTrade[] = [];
  /** Realized PnL of the closed trades. */
  realized = 0;

  private readonly input: ReplayInput;
  private readonly fills: SimulatedFills;
  private readonly clock: SimulatedClock;

  constructor(input: ReplayInput, fills: SimulatedFills, clock: SimulatedClock) {
    this.input = input;
    this.fills = fills;
    this.clock = clock;
  }

  /** Carries out a decided action at `reference`: a buy or sell closes an opposite position or opens one when flat. */
  execute(action: Action, decisionId: string, reference: number): void {
    const held = this.position;
    if (action === 'close' && held) this.close(held, reference, 'signal');
    else if (action === 'buy') {
      if (held?.side === 'short') this.close(held, reference, 'signal');
      else if (!held) this.open('long', decisionId, reference);
    } else if (action === 'sell') {
      if (held?.side === 'long') this.close(held, reference, 'signal');
      else if (!held) this.open('short', decisionId, reference);
    }
  }

  /** Realized PnL plus the open position's value at `price`, per unit of position notional. */
  markAt(price: number): number {
    const held = this.position;
    const open = held ? (held.side === 'long' ? 1 : -1) * (price - held.entryPrice) * held.amount - held.entryFee : 0;
    return (this.realized + open) / this.fills.positionNotional;
  }

  private open(side: 'long' | 'short', decisionId: string, reference: number): void {
    const amount = this.fills.positionNotional / reference;
    const fill = this.fills.fill(side === 'long' ? 'buy' : 'sell', reference, amount);
    this.position = {
      decisionId,
      side,
      entryPrice: fill.price,
      amount,
      entryFee: fill.fee,
      openedAt: this.clock.now(),
    };
  }

  close(current: OpenPosition, reference: number, exitReason: string): void {
    const fill = this.fills.fill(current.side === 'long' ? 'sell' : 'buy', reference, current.amount);
    const direction = current.side === 'long' ? 1 : -1;
    const fees = current.entryFee + fill.fee;
    const realizedPnl = direction * (fill.price - current.entryPrice) * current.amount - fees;
    const realizedReturn = realizedPnl / (current.entryPrice * current.amount);
    this.trades.push({
      decisionId: current.decisionId,
      side: current.side,
      entryPrice: current.entryPrice,
      exitPrice: fill.price,
      realizedPnl,
      realizedReturn,
      exitReason,
    });
    this.realized += realizedPnl;
    this.input.tt.closePosition({
      decisionId: current.decisionId,
      positionId: `${current.decisionId}:position`,
      symbol: this.input.symbol,
      side: current.side,
      entryPrice: current.entryPrice,
      exitPrice: fill.price,
      amount: current.amount,
      realizedPnl,
      realizedReturn,
      fees,
      durationSeconds: (this.clock.now() - current.openedAt) / 1000,
      exitReason,
    });
    this.input.tt.emitReward({ decisionId: current.decisionId, value: realizedReturn, unit: '1', kind: 'realized' });
    this.position = null;
  }
}
