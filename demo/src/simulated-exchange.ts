import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Candle } from '@tradetrace/analytics';
import type { CcxtOrderLike, CcxtTradeLike } from '@tradetrace/sdk';
import { z } from 'zod';

/** How the simulated exchange treats orders. Every draw comes from one seeded generator: the same seed, the same orders. */
export const SimulatedExchangeOptionsSchema = z.object({
  seed: z.number().int(),
  /** Prefix of order and trade ids, so several exchanges never collide in storage. */
  idPrefix: z.string().min(1),
  /** Fee of a fill that takes liquidity (market orders), as a fraction of its cost, charged in the quote currency. */
  takerFeeRate: z.number().min(0).max(0.1).default(0.0005),
  /** Fee of a resting limit order's fill. */
  makerFeeRate: z.number().min(0).max(0.1).default(0.0002),
  /** A market order fills at the next candle's open moved against the trader by up to this many basis points. */
  slippageBps: z.number().min(0).max(1000).default(5),
  /** Share of orders the exchange refuses (as if margin were short). */
  rejectRate: z.number().min(0).max(1).default(0.04),
  /** Share of fills that take only part of what is left: the rest fills at a later candle. */
  partialFillRate: z.number().min(0).max(1).default(0.25),
  /** The clock of order and trade timestamps. Default `Date.now`, the clock of the spans. */
  now: z.custom<() => number>((v) => typeof v === 'function').default(() => Date.now),
});
export type SimulatedExchangeOptions = z.input<typeof SimulatedExchangeOptionsSchema>;

/** A CCXT order as this exchange keeps it: every field its `createOrder`/`fetchOrder` would return. */
export interface SimulatedOrder extends CcxtOrderLike {
  id: string;
  symbol: string;
  type: 'market' | 'limit';
  side: 'buy' | 'sell';
  status: 'open' | 'closed' | 'canceled' | 'rejected';
  amount: number;
  filled: number;
  remaining: number;
  trades: CcxtTradeLike[];
}

/** Everything the exchange did, to check what the dashboards show against it. */
export interface ExchangeActivity {
  orders: number;
  rejected: number;
  canceled: number;
  fills: number;
  /** Sum of every fill's fee, in the quote currency. */
  fees: number;
}

/** What one candle did to the resting orders. */
export interface CandleMatch {
  /** New fills (CCXT trades), as `fetchMyTrades`/`watchMyTrades` would deliver them. */
  trades: CcxtTradeLike[];
  /** The orders those fills changed, in their new state. */
  orders: SimulatedOrder[];
}

/**
 * A seeded paper exchange with CCXT-shaped orders and trades. Orders rest until the next candle: a market order fills
 * at its open with slippage, a limit order when the candle reaches its price (at the open if that is better). A fill
 * may be partial; fees are charged in the quote currency (taker for market, maker for limit orders).
 */
export class SimulatedExchange {
  private readonly options: z.output<typeof SimulatedExchangeOptionsSchema>;
  private readonly rng: ReturnType<typeof xoroshiro128plus>;
  private readonly open = new Map<string, SimulatedOrder>();
  private readonly counts: ExchangeActivity = { orders: 0, rejected: 0, canceled: 0, fills: 0, fees: 0 };

  constructor(options: SimulatedExchangeOptions) {
    this.options = SimulatedExchangeOptionsSchema.parse(options);
    this.rng = xoroshiro128plus(this.options.seed);
  }

  /** A uniform draw in [0, 1) from the exchange's generator. */
  random(): number {
    return uniformFloat64(this.rng);
  }

  /** CCXT's `createOrder(symbol, type, side, amount, price?)`: the order, open or rejected, without fills yet. */
  createOrder(symbol: string, type: 'market' | 'limit', side: 'buy' | 'sell', amount: number, price?: number) {
    if (type === 'limit' && price === undefined) throw new Error('a limit order needs a price');
    const rejected = this.random() < this.options.rejectRate;
    if (rejected) this.counts.rejected++;
    const order: SimulatedOrder = {
      id: `${this.options.idPrefix}-o${++this.counts.orders}`,
      timestamp: this.options.now(),
      symbol,
      type,
      side,
      price: price ?? null,
      status: rejected ? 'rejected' : 'open',
      amount,
      filled: 0,
      remaining: amount,
      average: null,
      cost: 0,
      timeInForce: 'GTC',
      trades: [],
    };
    if (!rejected) this.open.set(order.id, order);
    return { ...order, trades: [] };
  }

  /** CCXT's `cancelOrder(id, symbol)`: what was filled stays filled. */
  cancelOrder(id: string): SimulatedOrder {
    const order = this.open.get(id);
    if (order === undefined) throw new Error(`order ${id} is not open`);
    this.open.delete(id);
    this.counts.canceled++;
    order.status = 'canceled';
    return { ...order, trades: [...order.trades] };
  }

  activity(): ExchangeActivity {
    return { ...this.counts };
  }

  /** Open orders, oldest first (`fetchOpenOrders`). */
  openOrders(): SimulatedOrder[] {
    return [...this.open.values()];
  }

  /** A new candle opens: resting orders fill against it. */
  match(candle: Candle): CandleMatch {
    const trades: CcxtTradeLike[] = [];
    const orders: SimulatedOrder[] = [];
    for (const order of this.open.values()) {
      const price = this.fillPrice(order, candle);
      if (price === undefined) continue;
      const partial = this.random() < this.options.partialFillRate;
      const amount = partial ? order.remaining * (0.3 + 0.4 * this.random()) : order.remaining;
      const trade = this.trade(order, price, amount);
      order.trades.push(trade);
      order.filled += amount;
      order.remaining = partial ? order.remaining - amount : 0;
      order.cost = (order.cost ?? 0) + price * amount;
      order.average = order.cost / order.filled;
      order.fee = { cost: (order.fee?.cost ?? 0) + trade.fee!.cost!, currency: trade.fee!.currency! };
      if (!partial) {
        order.status = 'closed';
        this.open.delete(order.id);
      }
      trades.push(trade);
      orders.push({ ...order, trades: [...order.trades] });
    }
    return { trades, orders };
  }

  private fillPrice(order: SimulatedOrder, candle: Candle): number | undefined {
    if (order.type === 'market') {
      const slip = (this.options.slippageBps / 10_000) * this.random();
      return order.side === 'buy' ? candle.open * (1 + slip) : candle.open * (1 - slip);
    }
    const limit = order.price!;
    if (order.side === 'buy') return candle.low <= limit ? Math.min(candle.open, limit) : undefined;
    return candle.high >= limit ? Math.max(candle.open, limit) : undefined;
  }

  private trade(order: SimulatedOrder, price: number, amount: number): CcxtTradeLike {
    const maker = order.type === 'limit';
    const rate = maker ? this.options.makerFeeRate : this.options.takerFeeRate;
    const cost = price * amount;
    this.counts.fees += cost * rate;
    return {
      id: `${this.options.idPrefix}-t${++this.counts.fills}`,
      order: order.id,
      timestamp: this.options.now(),
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      takerOrMaker: maker ? 'maker' : 'taker',
      price,
      amount,
      cost,
      fee: { cost: cost * rate, currency: quoteCurrency(order.symbol), rate },
    };
  }
}

/** `SOL/USDC:USDC` → `USDC` (CCXT's unified symbol: base/quote:settle). */
export function quoteCurrency(symbol: string): string {
  return symbol.split('/')[1]?.split(':')[0] ?? symbol;
}
