import type { Attributes } from '@opentelemetry/api';
import * as A from '../semconv/trading-attributes.ts';

/**
 * Structural types of CCXT's unified structures (https://docs.ccxt.com/#/README?id=order-structure), every field
 * optional and nullable as exchanges leave them. Objects straight from `exchange.createOrder()`, `fetchOrder()`,
 * `watchOrders()`, `fetchMyTrades()` or `fetchPositions()` fit without mapping; so do hand-made ones.
 */
export interface CcxtFee {
  cost?: number | null;
  currency?: string | null;
  rate?: number | null;
}

export interface CcxtTradeLike {
  id?: string | null;
  /** The order this fill belongs to. */
  order?: string | null;
  timestamp?: number | null;
  symbol?: string | null;
  side?: string | null;
  type?: string | null;
  takerOrMaker?: 'taker' | 'maker' | string | null;
  price?: number | null;
  amount?: number | null;
  cost?: number | null;
  fee?: CcxtFee | null;
  fees?: readonly CcxtFee[] | null;
}

export interface CcxtOrderLike {
  id?: string | null;
  clientOrderId?: string | null;
  timestamp?: number | null;
  status?: string | null;
  symbol?: string | null;
  type?: string | null;
  timeInForce?: string | null;
  side?: string | null;
  price?: number | null;
  average?: number | null;
  amount?: number | null;
  filled?: number | null;
  remaining?: number | null;
  cost?: number | null;
  trades?: readonly CcxtTradeLike[] | null;
  fee?: CcxtFee | null;
  fees?: readonly CcxtFee[] | null;
  reduceOnly?: boolean | null;
  postOnly?: boolean | null;
  triggerPrice?: number | null;
  stopPrice?: number | null;
  stopLossPrice?: number | null;
  takeProfitPrice?: number | null;
}

export interface CcxtPositionLike {
  id?: string | null;
  symbol?: string | null;
  timestamp?: number | null;
  side?: 'long' | 'short' | string | null;
  contracts?: number | null;
  contractSize?: number | null;
  entryPrice?: number | null;
  markPrice?: number | null;
  lastPrice?: number | null;
  notional?: number | null;
  leverage?: number | null;
  marginMode?: string | null;
  realizedPnl?: number | null;
  unrealizedPnl?: number | null;
}

/** The arguments of CCXT's `createOrder(symbol, type, side, amount, price?, params?)`. */
export interface OrderRequest {
  symbol: string;
  type: string;
  side: 'buy' | 'sell';
  amount: number;
  price?: number;
  /** CCXT `params`: `timeInForce`, `clientOrderId`, `reduceOnly`, `postOnly`, `triggerPrice`, `stopLossPrice`, ... */
  params?: Readonly<Record<string, unknown>>;
}

function num(out: Attributes, key: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
}

function str(out: Attributes, key: string, value: unknown): void {
  if (typeof value === 'string' && value !== '') out[key] = value;
  else if (typeof value === 'number' && Number.isFinite(value)) out[key] = String(value);
}

function bool(out: Attributes, key: string, value: unknown): void {
  if (typeof value === 'boolean') out[key] = value;
}

/** CCXT `timeInForce` values are upper case (GTC, IOC, FOK, PO); keep them so. */
function timeInForce(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.toUpperCase() : undefined;
}

/** Attributes of what the bot asked for, before the exchange answered. */
export function orderRequestAttributes(request: OrderRequest): Attributes {
  const out: Attributes = {};
  const p = request.params ?? {};
  str(out, A.ATTR_TRADING_SYMBOL, request.symbol);
  str(out, A.ATTR_TRADING_ORDER_SIDE, request.side?.toLowerCase());
  str(out, A.ATTR_TRADING_ORDER_TYPE, request.type?.toLowerCase());
  num(out, A.ATTR_TRADING_ORDER_AMOUNT, request.amount);
  num(out, A.ATTR_TRADING_ORDER_PRICE, request.price);
  str(out, A.ATTR_TRADING_ORDER_TIME_IN_FORCE, timeInForce(p.timeInForce));
  str(out, A.ATTR_TRADING_ORDER_CLIENT_ORDER_ID, p.clientOrderId);
  bool(out, A.ATTR_TRADING_ORDER_REDUCE_ONLY, p.reduceOnly);
  bool(out, A.ATTR_TRADING_ORDER_POST_ONLY, p.postOnly);
  num(out, A.ATTR_TRADING_ORDER_TRIGGER_PRICE, p.triggerPrice ?? p.stopPrice);
  num(out, A.ATTR_TRADING_ORDER_STOP_LOSS_PRICE, p.stopLossPrice);
  num(out, A.ATTR_TRADING_ORDER_TAKE_PROFIT_PRICE, p.takeProfitPrice);
  return out;
}

/** Attributes of a CCXT order as the exchange reported it. */
export function orderAttributes(order: CcxtOrderLike): Attributes {
  const out: Attributes = {};
  str(out, A.ATTR_TRADING_SYMBOL, order.symbol);
  str(out, A.ATTR_TRADING_ORDER_ID, order.id);
  str(out, A.ATTR_TRADING_ORDER_CLIENT_ORDER_ID, order.clientOrderId);
  str(out, A.ATTR_TRADING_ORDER_SIDE, order.side?.toLowerCase());
  str(out, A.ATTR_TRADING_ORDER_TYPE, order.type?.toLowerCase());
  str(out, A.ATTR_TRADING_ORDER_TIME_IN_FORCE, timeInForce(order.timeInForce));
  num(out, A.ATTR_TRADING_ORDER_PRICE, order.price);
  num(out, A.ATTR_TRADING_ORDER_AMOUNT, order.amount);
  str(out, A.ATTR_TRADING_ORDER_STATUS, order.status?.toLowerCase());
  num(out, A.ATTR_TRADING_ORDER_FILLED, order.filled);
  num(out, A.ATTR_TRADING_ORDER_REMAINING, order.remaining);
  num(out, A.ATTR_TRADING_ORDER_AVERAGE, order.average);
  num(out, A.ATTR_TRADING_ORDER_COST, order.cost);
  const fee = totalFee(order.fee, order.fees);
  if (fee !== undefined) {
    num(out, A.ATTR_TRADING_ORDER_FEE_COST, fee.cost);
    str(out, A.ATTR_TRADING_ORDER_FEE_CURRENCY, fee.currency);
  }
  bool(out, A.ATTR_TRADING_ORDER_REDUCE_ONLY, order.reduceOnly);
  bool(out, A.ATTR_TRADING_ORDER_POST_ONLY, order.postOnly);
  num(out, A.ATTR_TRADING_ORDER_TRIGGER_PRICE, order.triggerPrice ?? order.stopPrice);
  num(out, A.ATTR_TRADING_ORDER_STOP_LOSS_PRICE, order.stopLossPrice);
  num(out, A.ATTR_TRADING_ORDER_TAKE_PROFIT_PRICE, order.takeProfitPrice);
  return out;
}

/** Attributes of one `trading.order.fill` event. */
export function fillAttributes(trade: CcxtTradeLike): Attributes {
  const out: Attributes = {};
  str(out, A.ATTR_TRADING_TRADE_ID, trade.id);
  str(out, A.ATTR_TRADING_ORDER_ID, trade.order);
  num(out, A.ATTR_TRADING_FILL_PRICE, trade.price);
  num(out, A.ATTR_TRADING_FILL_AMOUNT, trade.amount);
  num(
    out,
    A.ATTR_TRADING_FILL_COST,
    trade.cost ??
      (typeof trade.price === 'number' && typeof trade.amount === 'number' ? trade.price * trade.amount : undefined),
  );
  const fee = totalFee(trade.fee, trade.fees);
  if (fee !== undefined) {
    num(out, A.ATTR_TRADING_FILL_FEE_COST, fee.cost);
    str(out, A.ATTR_TRADING_FILL_FEE_CURRENCY, fee.currency);
  }
  const liquidity = trade.takerOrMaker?.toLowerCase();
  if (liquidity === 'maker' || liquidity === 'taker') out[A.ATTR_TRADING_FILL_LIQUIDITY] = liquidity;
  return out;
}

/** CCXT gives either `fee` or `fees` (several currencies possible); sum those in the first currency. */
function totalFee(
  fee: CcxtFee | null | undefined,
  fees: readonly CcxtFee[] | null | undefined,
): { cost: number; currency: string | undefined } | undefined {
  const list = fees && fees.length > 0 ? fees : fee ? [fee] : [];
  const first = list.find((f) => typeof f?.cost === 'number');
  if (first === undefined) return undefined;
  const currency = first.currency ?? undefined;
  let cost = 0;
  for (const f of list) if (typeof f?.cost === 'number' && (f.currency ?? undefined) === currency) cost += f.cost;
  return { cost, currency };
}

/** Whether a value looks like a CCXT order (what `createOrder` returns). */
export function isOrderLike(value: unknown): value is CcxtOrderLike {
  return typeof value === 'object' && value !== null && ('id' in value || 'status' in value || 'filled' in value);
}
