import { describe, expect, it } from 'vitest';
import type { Candle } from '@tradetrace/analytics';
import { quoteCurrency, SimulatedExchange, type SimulatedExchangeOptions } from '../src/simulated-exchange.ts';

const SYMBOL = 'SOL/USDC:USDC';
const candle = (open: number, low = open * 0.99, high = open * 1.01): Candle => ({
  timestamp: 0,
  open,
  high,
  low,
  close: open,
  volume: 1,
});
const exchangeWith = (options: Partial<SimulatedExchangeOptions> = {}) =>
  new SimulatedExchange({ seed: 1, idPrefix: 'x', rejectRate: 0, partialFillRate: 0, now: () => 1_000, ...options });

describe('SimulatedExchange', () => {
  describe('.createOrder', () => {
    it('answers an open CCXT order without fills; the fill comes with the next candle', () => {
      const exchange = exchangeWith();
      const order = exchange.createOrder(SYMBOL, 'market', 'buy', 2);
      expect(order).toMatchObject({ id: 'x-o1', status: 'open', symbol: SYMBOL, filled: 0, remaining: 2, trades: [] });
      expect(exchange.openOrders().map((o) => o.id)).toEqual(['x-o1']);
    });

    it('rejects orders at the configured rate, and keeps rejected orders off the book', () => {
      const exchange = exchangeWith({ rejectRate: 1 });
      expect(exchange.createOrder(SYMBOL, 'market', 'sell', 1).status).toBe('rejected');
      expect(exchange.openOrders()).toEqual([]);
      expect(exchange.activity()).toMatchObject({ orders: 1, rejected: 1 });
    });
  });

  describe('.match', () => {
    it('fills a market order at the open, moved against the trader by at most the slippage, taker fee in the quote currency', () => {
      const exchange = exchangeWith({ slippageBps: 10, takerFeeRate: 0.001 });
      const buy = exchange.createOrder(SYMBOL, 'market', 'buy', 2);
      const sell = exchange.createOrder(SYMBOL, 'market', 'sell', 2);
      const { trades, orders } = exchange.match(candle(100));
      const [bought, sold] = trades;
      expect(bought!.price).toBeGreaterThanOrEqual(100);
      expect(bought!.price).toBeLessThanOrEqual(100.1);
      expect(sold!.price).toBeLessThanOrEqual(100);
      expect(sold!.price).toBeGreaterThanOrEqual(99.9);
      expect(bought).toMatchObject({ order: buy.id, takerOrMaker: 'taker', amount: 2, timestamp: 1_000 });
      expect(bought!.fee).toEqual({ cost: bought!.price! * 2 * 0.001, currency: 'USDC', rate: 0.001 });
      expect(orders.map((o) => [o.id, o.status, o.filled, o.remaining])).toEqual([
        [buy.id, 'closed', 2, 0],
        [sell.id, 'closed', 2, 0],
      ]);
      expect(exchange.openOrders()).toEqual([]);
    });

    it('fills a limit order only when the candle reaches its price, at the open when that is better, maker fee', () => {
      const exchange = exchangeWith({ makerFeeRate: 0.0002 });
      const order = exchange.createOrder(SYMBOL, 'limit', 'buy', 1, 95);
      expect(exchange.match(candle(100, 96)).trades).toEqual([]);
      const [trade] = exchange.match(candle(97, 94)).trades;
      expect(trade).toMatchObject({ order: order.id, price: 95, takerOrMaker: 'maker' });
      exchange.createOrder(SYMBOL, 'limit', 'buy', 1, 95);
      expect(exchange.match(candle(93)).trades[0]!.price).toBe(93);
    });

    it('fills part of an order and the rest at a later candle', () => {
      const exchange = exchangeWith({ partialFillRate: 1 });
      const order = exchange.createOrder(SYMBOL, 'market', 'buy', 10);
      const first = exchange.match(candle(100)).orders[0]!;
      expect(first.status).toBe('open');
      expect(first.filled).toBeGreaterThanOrEqual(3);
      expect(first.filled).toBeLessThanOrEqual(7);
      expect(first.filled + first.remaining).toBeCloseTo(10, 12);
      const second = exchange.match(candle(101)).orders[0]!;
      expect(second.id).toBe(order.id);
      expect(second.trades).toHaveLength(2);
      expect(second.average).toBeCloseTo(second.cost! / second.filled, 12);
    });
  });

  describe('.cancelOrder', () => {
    it('cancels what is left of an open order and keeps its fills', () => {
      const exchange = exchangeWith({ partialFillRate: 1 });
      const order = exchange.createOrder(SYMBOL, 'limit', 'sell', 4, 100);
      exchange.match(candle(101));
      const canceled = exchange.cancelOrder(order.id);
      expect(canceled.status).toBe('canceled');
      expect(canceled.filled).toBeGreaterThan(0);
      expect(canceled.trades).toHaveLength(1);
      expect(exchange.openOrders()).toEqual([]);
      expect(() => exchange.cancelOrder(order.id)).toThrow(/not open/);
      expect(exchange.activity()).toMatchObject({ orders: 1, canceled: 1, fills: 1 });
    });
  });

  it('makes the same orders and fills for the same seed', () => {
    const run = (seed: number) => {
      const exchange = new SimulatedExchange({ seed, idPrefix: 'x', now: () => 0 });
      for (let i = 0; i < 50; i++) {
        exchange.createOrder(SYMBOL, i % 3 === 0 ? 'limit' : 'market', i % 2 === 0 ? 'buy' : 'sell', 1, 100);
        exchange.match(candle(100 + (i % 5)));
      }
      return exchange.activity();
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});

describe('quoteCurrency', () => {
  it("reads the quote of CCXT's unified symbols", () => {
    expect(quoteCurrency('SOL/USDC:USDC')).toBe('USDC');
    expect(quoteCurrency('BTC/USDT')).toBe('USDT');
  });
});
