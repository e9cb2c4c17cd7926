import type { Attributes, Link } from '@opentelemetry/api';
import { spanContextFromTraceparent, type DecisionRef } from '../decision-ref.ts';
import { describeError } from '../safety/sdk-logger.ts';
import type { SdkCore } from '../sdk-core.ts';
import * as A from '../semconv/trading-attributes.ts';
import type { CcxtPositionLike } from './ccxt-shapes.ts';
import { emitRewardWith } from './reward-emission.ts';
import type { ClosedPosition } from './reward-functions.ts';

/**
 * A closed position. Give the explicit fields, or a CCXT position (`fetchPositions()` before the close) and let the
 * SDK take symbol, side, entry price, amount, leverage and opening time from it; explicit fields win.
 */
export interface PositionCloseInput {
  /** The decision that opened the position. */
  decisionId?: string;
  /** Alternative to `decisionId` across processes: the `ref` the opening decision gave. */
  decision?: DecisionRef;
  position?: CcxtPositionLike;
  positionId?: string;
  symbol?: string;
  side?: 'long' | 'short';
  entryPrice?: number;
  exitPrice?: number;
  amount?: number;
  /** Quote currency, net of fees. Computed from prices, amount and fees when not given. */
  realizedPnl?: number;
  /** Fraction of the entry value. Computed from P&L and entry value when not given. */
  realizedReturn?: number;
  fees?: number;
  /** Computed from the CCXT position's `timestamp` when not given. */
  durationSeconds?: number;
  /** `take_profit`, `stop_loss`, `signal`, `trailing_stop`, `liquidation`, `timeout`, `manual`, or free text. */
  exitReason?: string;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Explicit fields, then the CCXT position, then what can be computed from both. */
export function resolveClosedPosition(
  input: PositionCloseInput,
  rememberedSymbol: string | undefined,
  now: number = Date.now(),
): ClosedPosition {
  const p = input.position ?? {};
  const decisionId = input.decisionId ?? input.decision?.decisionId;
  const rawSide = input.side ?? p.side ?? undefined;
  const side = rawSide === 'long' || rawSide === 'short' ? rawSide : undefined;
  const contracts = finite(p.contracts);
  const amount =
    finite(input.amount) ?? (contracts === undefined ? undefined : Math.abs(contracts) * (finite(p.contractSize) ?? 1));
  const entryPrice = finite(input.entryPrice) ?? finite(p.entryPrice);
  const exitPrice = finite(input.exitPrice) ?? finite(p.lastPrice) ?? finite(p.markPrice);
  const fees = finite(input.fees);
  let realizedPnl = finite(input.realizedPnl);
  if (
    realizedPnl === undefined &&
    entryPrice !== undefined &&
    exitPrice !== undefined &&
    amount !== undefined &&
    side !== undefined
  ) {
    realizedPnl = (exitPrice - entryPrice) * amount * (side === 'long' ? 1 : -1) - (fees ?? 0);
  }
  let realizedReturn = finite(input.realizedReturn);
  if (
    realizedReturn === undefined &&
    realizedPnl !== undefined &&
    entryPrice !== undefined &&
    amount !== undefined &&
    entryPrice * amount !== 0
  ) {
    realizedReturn = realizedPnl / (entryPrice * amount);
  }
  const openedAt = finite(p.timestamp);
  const durationSeconds =
    finite(input.durationSeconds) ?? (openedAt === undefined ? undefined : Math.max(0, (now - openedAt) / 1000));
  return {
    decisionId,
    positionId: input.positionId ?? p.id ?? undefined,
    symbol: input.symbol ?? p.symbol ?? rememberedSymbol ?? input.decision?.symbol ?? '',
    side,
    entryPrice,
    exitPrice,
    amount,
    realizedPnl,
    realizedReturn,
    fees,
    durationSeconds,
    exitReason: input.exitReason,
  };
}

/** `close_position {symbol}` span linked to the opening decision, then every declared reward function. */
export function closePositionWith(core: SdkCore, input: PositionCloseInput): void {
  const decisionId = input.decisionId ?? input.decision?.decisionId;
  const remembered = decisionId !== undefined ? core.decisions.get(decisionId) : undefined;
  const close = resolveClosedPosition(input, remembered?.symbol);
  const attributes: Attributes = { [A.ATTR_TRADING_OPERATION_NAME]: 'close_position' };
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') attributes[key] = value;
  };
  set(A.ATTR_TRADING_DECISION_ID, close.decisionId);
  set(A.ATTR_TRADING_SYMBOL, close.symbol);
  set(A.ATTR_TRADING_POSITION_ID, close.positionId);
  set(A.ATTR_TRADING_POSITION_SIDE, close.side);
  set(A.ATTR_TRADING_POSITION_ENTRY_PRICE, close.entryPrice);
  set(A.ATTR_TRADING_POSITION_EXIT_PRICE, close.exitPrice);
  set(A.ATTR_TRADING_POSITION_AMOUNT, close.amount);
  set(A.ATTR_TRADING_POSITION_REALIZED_PNL, close.realizedPnl);
  set(A.ATTR_TRADING_POSITION_REALIZED_RETURN, close.realizedReturn);
  set(A.ATTR_TRADING_POSITION_FEES, close.fees);
  set(A.ATTR_TRADING_POSITION_DURATION_S, close.durationSeconds);
  set(A.ATTR_TRADING_POSITION_EXIT_REASON, close.exitReason);
  set(A.ATTR_TRADING_POSITION_LEVERAGE, finite(input.position?.leverage));
  set(A.ATTR_TRADING_POSITION_MARGIN_MODE, input.position?.marginMode ?? undefined);
  const strategyName = remembered?.strategyName ?? input.decision?.strategyName;
  const strategyVersion = remembered?.strategyVersion ?? input.decision?.strategyVersion;
  if (strategyName !== undefined && strategyVersion !== undefined) {
    attributes[A.ATTR_TRADING_STRATEGY_NAME] = strategyName;
    attributes[A.ATTR_TRADING_STRATEGY_VERSION] = strategyVersion;
  }
  const linked = remembered?.spanContext ?? spanContextFromTraceparent(input.decision?.traceparent);
  const links: Link[] = linked !== undefined ? [{ context: linked }] : [];
  core.tracer
    .startSpan(close.symbol ? `close_position ${close.symbol}` : 'close_position', { attributes, links })
    .end();

  if (core.hooks.has('onPositionClose')) {
    void core.hooks.emit('onPositionClose', {
      decisionId: close.decisionId,
      symbol: close.symbol,
      positionId: close.positionId,
      realizedPnl: close.realizedPnl,
      realizedReturn: close.realizedReturn,
    });
  }
  if (close.decisionId === undefined || core.rewardFunctions.length === 0) return;
  const primary = core.rewardFunctions.find((fn) => fn.primary === true) ?? core.rewardFunctions[0];
  for (const fn of core.rewardFunctions) {
    let value: number | undefined | null;
    try {
      value = fn.compute(close);
    } catch (error) {
      core.reporter.report(
        'error',
        `reward-fn:${fn.name}`,
        (n) => `reward function ${fn.name} threw (${n} time(s) since the last report): ${describeError(error)}`,
      );
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const reward: Parameters<typeof emitRewardWith>[1] = {
      decisionId: close.decisionId,
      value,
      name: fn.name,
      kind: fn.kind ?? 'realized',
      symbol: close.symbol,
    };
    if (input.decision !== undefined) reward.decision = input.decision;
    const unit = typeof fn.unit === 'function' ? fn.unit(close) : fn.unit;
    if (unit !== undefined) reward.unit = unit;
    if (fn === primary) reward.primary = true;
    if (close.durationSeconds !== undefined) reward.horizonSeconds = close.durationSeconds;
    emitRewardWith(core, reward);
  }
}
