import type { DecisionResult } from '@tradetrace/sdk';

type DecisionAction = DecisionResult['action'];

/** Costs of the simple fill model: a taker fee and slippage against the trader on every fill. */
export interface FillModel {
  feeRate: number;
  slippageRate: number;
}

export const DEFAULT_FILL_MODEL: FillModel = { feeRate: 0.0005, slippageRate: 0.0002 };

export interface OpenPosition {
  id: string;
  side: 'long' | 'short';
  entryPrice: number;
  amount: number;
  entryFee: number;
  openedAt: number;
  /** The decision that opened it: rewards and closes point back at it. */
  decisionId: string;
}

export interface ClosedPosition extends OpenPosition {
  exitPrice: number;
  exitFee: number;
  closedAt: number;
  realizedPnl: number;
  realizedReturn: number;
  exitReason: 'signal' | 'stop_loss' | 'take_profit' | 'end_of_run';
}

/** One symbol's paper account for one strategy version: at most one position, opened and closed at candle closes. */
export class PaperBroker {
  private position: OpenPosition | undefined;
  private nextId = 1;
  private readonly prefix: string;
  private readonly fills: FillModel;

  constructor(prefix: string, fills: FillModel = DEFAULT_FILL_MODEL) {
    this.prefix = prefix;
    this.fills = fills;
  }

  get open(): OpenPosition | undefined {
    return this.position;
  }

  /** Closes on stop-loss or take-profit at this price, if either is hit. */
  checkExits(price: number, time: number, stopLoss: number, takeProfit: number): ClosedPosition | undefined {
    const p = this.position;
    if (!p) return undefined;
    const move = p.side === 'long' ? price / p.entryPrice - 1 : 1 - price / p.entryPrice;
    if (move <= -stopLoss) return this.close(price, time, 'stop_loss');
    if (move >= takeProfit) return this.close(price, time, 'take_profit');
    return undefined;
  }

  /** Applies a decision: flips or opens a position on buy/sell; returns what it closed and whether it opened. */
  apply(action: DecisionAction, price: number, time: number, notionalUsd: number, decisionId: string): { closed?: ClosedPosition; opened?: OpenPosition } {
    const want = action === 'buy' ? 'long' : action === 'sell' ? 'short' : undefined;
    const result: { closed?: ClosedPosition; opened?: OpenPosition } = {};
    if (action === 'close' || (want && this.position && this.position.side !== want)) {
      const closed = this.position ? this.close(price, time, 'signal') : undefined;
      if (closed) result.closed = closed;
    }
    if (want && !this.position) {
      const entryPrice = want === 'long' ? price * (1 + this.fills.slippageRate) : price * (1 - this.fills.slippageRate);
      const amount = notionalUsd / entryPrice;
      this.position = { id: `${this.prefix}-${this.nextId++}`, side: want, entryPrice, amount, entryFee: entryPrice * amount * this.fills.feeRate, openedAt: time, decisionId };
      result.opened = this.position;
    }
    return result;
  }

  close(price: number, time: number, exitReason: ClosedPosition['exitReason']): ClosedPosition | undefined {
    const p = this.position;
    if (!p) return undefined;
    this.position = undefined;
    const exitPrice = p.side === 'long' ? price * (1 - this.fills.slippageRate) : price * (1 + this.fills.slippageRate);
    const exitFee = exitPrice * p.amount * this.fills.feeRate;
    const gross = (p.side === 'long' ? exitPrice - p.entryPrice : p.entryPrice - exitPrice) * p.amount;
    const realizedPnl = gross - p.entryFee - exitFee;
    return { ...p, exitPrice, exitFee, closedAt: time, realizedPnl, realizedReturn: realizedPnl / (p.entryPrice * p.amount), exitReason };
  }
}
