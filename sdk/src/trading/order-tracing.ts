import { context, SpanKind, trace, type Attributes, type Link, type Span } from '@opentelemetry/api';
import { guarded, recordSpanError } from '../safety/guard.ts';
import type { SdkCore } from '../sdk-core.ts';
import * as A from '../semconv/trading-attributes.ts';
import { activeDecision } from '../trading-context.ts';
import {
  fillAttributes,
  isOrderLike,
  orderAttributes,
  orderRequestAttributes,
  type CcxtOrderLike,
  type CcxtTradeLike,
  type OrderRequest,
} from './ccxt-shapes.ts';

/** Which decision an order belongs to, and the exchange; both optional. */
export interface OrderLinkOptions {
  /** Default: the decision whose function is running, else the decision remembered for this order id. */
  decisionId?: string;
  exchange?: string;
}

export type SubmitOrderInput = OrderRequest & OrderLinkOptions;

export interface CancelOrderInput extends OrderLinkOptions {
  orderId: string;
  symbol: string;
}

/**
 * Order tracing with CCXT-shaped objects:
 * - `submitOrder(request, place)`: a `submit_order {symbol}` span around the exchange call; what the exchange
 *   returned (a CCXT order) completes it, and the fills it carries become `trading.order.fill` events;
 * - `cancelOrder(input, cancel)`: a `cancel_order {symbol}` span around the call;
 * - `recordOrderUpdate(order)` / `recordFills(trades)`: later status changes and fills (from `fetchOrder`,
 *   `watchOrders`, `watchMyTrades`) as a short `order_update {symbol}` span linked to the submit span.
 */
export class OrderTracer {
  private readonly core: SdkCore;
  constructor(core: SdkCore) {
    this.core = core;
  }

  async submitOrder<O>(input: SubmitOrderInput, place: () => O | Promise<O>): Promise<O> {
    const decisionId = this.decisionIdOf(input);
    const span = guarded(
      this.core.reporter,
      'submitOrder',
      () =>
        this.startSpan('submit_order', input.symbol, {
          ...orderRequestAttributes(input),
          ...this.linkAttributes(input),
        }),
      undefined,
    );
    if (span === undefined) return place();
    let order: O;
    try {
      order = await context.with(trace.setSpan(context.active(), span), place);
    } catch (error) {
      recordSpanError(span, error);
      span.end();
      this.notify('submit_order', decisionId, input.symbol, undefined, error);
      throw error;
    }
    guarded(
      this.core.reporter,
      'submitOrder result',
      () => {
        if (isOrderLike(order)) {
          span.setAttributes(orderAttributes(order));
          const seen = new Set<string>();
          this.addFills(
            span,
            order.trades ?? [],
            seen,
            order.symbol ?? input.symbol,
            decisionId,
            order.id ?? undefined,
          );
          if (typeof order.id === 'string' && order.id !== '') {
            this.core.orders.remember(order.id, {
              spanContext: span.spanContext(),
              symbol: order.symbol ?? input.symbol,
              decisionId,
              seenTradeIds: seen,
            });
          }
        }
        span.end();
        this.notify(
          'submit_order',
          decisionId,
          input.symbol,
          isOrderLike(order) ? (order as Record<string, unknown>) : undefined,
        );
      },
      undefined,
    );
    return order;
  }

  async cancelOrder<R>(input: CancelOrderInput, cancel: () => R | Promise<R>): Promise<R> {
    let decisionId: string | undefined;
    const span = guarded(
      this.core.reporter,
      'cancelOrder',
      () => {
        const remembered = this.core.orders.get(input.orderId);
        // Outside any decision (a later clean-up of resting orders), the cancel belongs to the order's decision.
        decisionId = input.decisionId ?? activeDecision()?.id ?? remembered?.decisionId;
        const attributes: Attributes = {
          [A.ATTR_TRADING_SYMBOL]: input.symbol,
          [A.ATTR_TRADING_ORDER_ID]: input.orderId,
          ...this.linkAttributes({ ...input, decisionId }),
        };
        return this.startSpan(
          'cancel_order',
          input.symbol,
          attributes,
          remembered ? [{ context: remembered.spanContext }] : [],
        );
      },
      undefined,
    );
    if (span === undefined) return cancel();
    let result: R;
    try {
      result = await context.with(trace.setSpan(context.active(), span), cancel);
    } catch (error) {
      recordSpanError(span, error);
      span.end();
      this.notify('cancel_order', decisionId, input.symbol, undefined, error);
      throw error;
    }
    guarded(
      this.core.reporter,
      'cancelOrder result',
      () => {
        if (isOrderLike(result)) span.setAttributes(orderAttributes(result));
        span.end();
        this.notify(
          'cancel_order',
          decisionId,
          input.symbol,
          isOrderLike(result) ? (result as Record<string, unknown>) : undefined,
        );
      },
      undefined,
    );
    return result;
  }

  /** A later view of an order (status, filled, average) and its new fills. */
  recordOrderUpdate(order: CcxtOrderLike, options: OrderLinkOptions = {}): void {
    guarded(
      this.core.reporter,
      'recordOrderUpdate',
      () => {
        const symbol = order.symbol ?? '';
        const remembered = typeof order.id === 'string' ? this.core.orders.get(order.id) : undefined;
        const decisionId = options.decisionId ?? activeDecision()?.id ?? remembered?.decisionId;
        const attributes: Attributes = {
          ...orderAttributes(order),
          ...this.linkAttributes({ ...options, decisionId }),
        };
        const span = this.startSpan(
          'order_update',
          symbol,
          attributes,
          remembered ? [{ context: remembered.spanContext }] : [],
        );
        this.addFills(
          span,
          order.trades ?? [],
          remembered?.seenTradeIds ?? new Set(),
          symbol,
          decisionId,
          order.id ?? undefined,
        );
        span.end();
        this.notify('order_update', decisionId, symbol, order as Record<string, unknown>);
      },
      undefined,
    );
  }

  /** Fills (CCXT trades) seen after the submit, e.g. from `watchMyTrades`: one `order_update` span per order. */
  recordFills(trades: readonly CcxtTradeLike[], options: OrderLinkOptions = {}): void {
    guarded(
      this.core.reporter,
      'recordFills',
      () => {
        const byOrder = new Map<string, CcxtTradeLike[]>();
        for (const t of trades) {
          const key = `${t.order ?? ''}\u0000${t.symbol ?? ''}`;
          const list = byOrder.get(key);
          if (list) list.push(t);
          else byOrder.set(key, [t]);
        }
        for (const group of byOrder.values()) {
          const first = group[0]!;
          const orderId = first.order ?? undefined;
          const symbol = first.symbol ?? '';
          const remembered = orderId !== undefined ? this.core.orders.get(orderId) : undefined;
          const seen = remembered?.seenTradeIds ?? new Set<string>();
          const fresh = group.filter((t) => typeof t.id !== 'string' || !seen.has(t.id));
          if (fresh.length === 0) continue;
          const decisionId = options.decisionId ?? activeDecision()?.id ?? remembered?.decisionId;
          const attributes: Attributes = {
            [A.ATTR_TRADING_SYMBOL]: symbol,
            ...this.linkAttributes({ ...options, decisionId }),
          };
          if (orderId !== undefined) attributes[A.ATTR_TRADING_ORDER_ID] = orderId;
          const span = this.startSpan(
            'order_update',
            symbol,
            attributes,
            remembered ? [{ context: remembered.spanContext }] : [],
          );
          this.addFills(span, fresh, seen, symbol, decisionId, orderId);
          span.end();
        }
      },
      undefined,
    );
  }

  private startSpan(
    operation: 'submit_order' | 'cancel_order' | 'order_update',
    symbol: string,
    attributes: Attributes,
    links: Link[] = [],
  ): Span {
    return this.core.tracer.startSpan(symbol ? `${operation} ${symbol}` : operation, {
      kind: operation === 'order_update' ? SpanKind.INTERNAL : SpanKind.CLIENT,
      attributes: { [A.ATTR_TRADING_OPERATION_NAME]: operation, ...attributes },
      links,
    });
  }

  private decisionIdOf(input: OrderLinkOptions | undefined): string | undefined {
    return input?.decisionId ?? activeDecision()?.id;
  }

  private linkAttributes(input: OrderLinkOptions): Attributes {
    const out: Attributes = {};
    const decisionId = this.decisionIdOf(input);
    if (decisionId !== undefined) out[A.ATTR_TRADING_DECISION_ID] = decisionId;
    if (input.exchange !== undefined) out[A.ATTR_TRADING_EXCHANGE] = input.exchange;
    return out;
  }

  private addFills(
    span: Span,
    trades: readonly CcxtTradeLike[],
    seen: Set<string>,
    symbol: string,
    decisionId: string | undefined,
    orderId: string | undefined,
  ): void {
    for (const trade of trades) {
      if (typeof trade.id === 'string') {
        if (seen.has(trade.id)) continue;
        seen.add(trade.id);
      }
      const attributes = fillAttributes(trade);
      if (orderId !== undefined && attributes[A.ATTR_TRADING_ORDER_ID] === undefined)
        attributes[A.ATTR_TRADING_ORDER_ID] = orderId;
      span.addEvent(
        A.EVENT_TRADING_ORDER_FILL,
        attributes,
        typeof trade.timestamp === 'number' ? trade.timestamp : undefined,
      );
      if (this.core.hooks.has('onFill'))
        void this.core.hooks.emit('onFill', { decisionId, symbol, orderId, trade: trade as Record<string, unknown> });
    }
  }

  private notify(
    operation: 'submit_order' | 'cancel_order' | 'order_update',
    decisionId: string | undefined,
    symbol: string,
    order: Record<string, unknown> | undefined,
    error?: unknown,
  ): void {
    if (!this.core.hooks.has('onOrder')) return;
    const event =
      error === undefined ? { operation, decisionId, symbol, order } : { operation, decisionId, symbol, order, error };
    void this.core.hooks.emit('onOrder', event);
  }
}
