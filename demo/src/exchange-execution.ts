import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { BacktestBot, BacktestDecision, BacktestDecisionInput } from '@tradetrace/analytics';
import type { StrategyVersion, TradeTrace } from '@tradetrace/sdk';
import type { SimulatedExchange, SimulatedOrder } from './simulated-exchange.ts';

export interface ExchangeExecutionOptions {
  tt: TradeTrace;
  exchange: SimulatedExchange;
  symbol: string;
  /** `trading.exchange` of the orders. */
  exchangeName: string;
  /** Quote notional of each order. */
  notional: number;
  /** Share of orders placed as limit orders (the rest are market orders). Default 0.3. */
  limitShare?: number;
  /** How far from the close a limit order rests, as a fraction. Default 0.0005 (5 bps). */
  limitOffset?: number;
  /** Candles a limit order may rest before the bot cancels what is left of it. Default 2. */
  limitCandles?: number;
}

/**
 * Sends a bot's decisions to a simulated exchange as a live bot sends them to its exchange, all traced by the SDK:
 * a decision that changes the position submits an order (`tt.submitOrder`, inside the decision); at each new candle
 * the exchange's fills (`tt.recordFills`) and order updates (`tt.recordOrderUpdate`) are recorded outside any
 * decision, linked to the order's, as a `watchMyTrades` loop would; limit orders left resting too long are canceled
 * (`tt.cancelOrder`). The backtest harness still keeps the positions and their P&L with its own fill model.
 */
export function withExchangeExecution<Config>(
  bot: BacktestBot<Config>,
  options: ExchangeExecutionOptions,
): BacktestBot<Config> {
  const { tt, exchange, symbol } = options;
  const placedAt = new Map<string, number>();
  let candleIndex = -1;
  let strategy: StrategyVersion | undefined;
  return {
    strategy: bot.strategy,
    ...(bot.kind !== undefined ? { kind: bot.kind } : {}),
    async decide(input: BacktestDecisionInput<Config>): Promise<BacktestDecision> {
      const candle = input.candles.at(-1)!;
      candleIndex++;
      // The whole version, config included: running it registers it (the SDK sends it to the registry).
      strategy ??= bot.strategy.version(input.config);
      const active = strategy;
      // What the exchange did since the last decision belongs to the orders' decisions, not to this one.
      await context.with(ROOT_CONTEXT, () =>
        tt.runStrategy(active, async () => {
          const { trades, orders } = exchange.match(candle);
          if (trades.length > 0) tt.recordFills(trades, { exchange: options.exchangeName });
          for (const order of orders) tt.recordOrderUpdate(withoutTrades(order), { exchange: options.exchangeName });
          for (const order of exchange.openOrders()) {
            // A market order's remainder fills at the next candle; only resting limit orders are given up on.
            if (
              order.type !== 'limit' ||
              candleIndex - (placedAt.get(order.id) ?? candleIndex) < (options.limitCandles ?? 2)
            )
              continue;
            placedAt.delete(order.id);
            await tt.cancelOrder({ orderId: order.id, symbol, exchange: options.exchangeName }, () =>
              exchange.cancelOrder(order.id),
            );
          }
        }),
      );

      const decision = await bot.decide(input);
      const side = orderSide(decision.action, input.position?.side);
      if (side !== undefined) {
        const limit = exchange.random() < (options.limitShare ?? 0.3);
        const offset = (options.limitOffset ?? 0.0005) * (side === 'buy' ? -1 : 1);
        const price = limit ? candle.close * (1 + offset) : undefined;
        const amount = options.notional / candle.close;
        const order = await tt.submitOrder(
          {
            symbol,
            type: limit ? 'limit' : 'market',
            side,
            amount,
            ...(price !== undefined ? { price } : {}),
            exchange: options.exchangeName,
          },
          () => exchange.createOrder(symbol, limit ? 'limit' : 'market', side, amount, price),
        );
        if (order.status === 'open') placedAt.set(order.id, candleIndex);
      }
      return decision;
    },
  };
}

/** The order the harness's rule implies: buy opens a long or closes a short, sell the reverse, close flattens. */
function orderSide(action: BacktestDecision['action'], held: 'long' | 'short' | undefined): 'buy' | 'sell' | undefined {
  if (action === 'buy') return held === 'long' ? undefined : 'buy';
  if (action === 'sell') return held === 'short' ? undefined : 'sell';
  if (action === 'close' && held !== undefined) return held === 'long' ? 'sell' : 'buy';
  return undefined;
}

/** An order update as `watchOrders` gives it: status and totals; its fills were recorded from the trade stream. */
function withoutTrades(order: SimulatedOrder): SimulatedOrder {
  return { ...order, trades: [] };
}
