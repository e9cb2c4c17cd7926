import type { Attributes, Link } from '@opentelemetry/api';
import { spanContextFromTraceparent, type DecisionRef } from '../decision-ref.ts';
import type { SdkCore } from '../sdk-core.ts';
import * as A from '../semconv/trading-attributes.ts';
import type { RewardKind } from '../semconv/trading-attributes.ts';
import { activeDecision } from '../trading-context.ts';

export interface RewardInput {
  /** The decision rewarded. Default: the decision whose function is running (inside `decide`). */
  decisionId?: string;
  /** Alternative to `decisionId` for decisions made in another process: the `ref` the decision scope gave. */
  decision?: DecisionRef;
  value: number;
  /** Default `primary`. Several named rewards per decision are fine (`pnl`, `fees`, `drawdown_penalty`). */
  name?: string;
  /** Default `realized`. */
  kind?: RewardKind;
  unit?: string;
  horizonSeconds?: number;
  /** For the span name when the SDK does not remember the decision. */
  symbol?: string;
}

/**
 * `emitReward`: inside the decision (while its function runs), a `trading.reward` event on its span; after it (the usual case),
 * a short `reward {symbol}` span carrying `trading.decision.id`, a link to the decision's span and the same
 * `trading.reward` event.
 */
export function emitRewardWith(core: SdkCore, input: RewardInput): void {
  const decisionId = input.decisionId ?? input.decision?.decisionId ?? activeDecision()?.id;
  if (typeof decisionId !== 'string' || decisionId === '') {
    core.reporter.report('warn', 'reward-no-decision', () => 'emitReward() without a decision (no decisionId, no decision ref, not inside decide()): reward ignored.');
    return;
  }
  if (typeof input.value !== 'number' || !Number.isFinite(input.value)) {
    core.reporter.report('warn', 'reward-not-finite', () => `emitReward() for decision ${decisionId} with a non-finite value (${String(input.value)}): reward ignored.`);
    return;
  }
  const name = input.name ?? A.DEFAULT_REWARD_NAME;
  const kind = input.kind ?? 'realized';
  const attributes: Attributes = {
    [A.ATTR_TRADING_DECISION_ID]: decisionId,
    [A.ATTR_TRADING_REWARD_VALUE]: input.value,
    [A.ATTR_TRADING_REWARD_NAME]: name,
    [A.ATTR_TRADING_REWARD_KIND]: kind,
  };
  if (input.unit !== undefined) attributes[A.ATTR_TRADING_REWARD_UNIT] = input.unit;
  if (typeof input.horizonSeconds === 'number' && Number.isFinite(input.horizonSeconds)) attributes[A.ATTR_TRADING_REWARD_HORIZON_S] = input.horizonSeconds;

  // Inside the decision (its function is running, here or in anything it awaits): an event on its span.
  const active = activeDecision();
  if (active !== undefined && active.id === decisionId && active.span.isRecording()) {
    active.span.addEvent(A.EVENT_TRADING_REWARD, attributes);
    notify(core, decisionId, name, input.value, kind, 'event');
    return;
  }

  const remembered = core.decisions.get(decisionId);

  const linked = remembered?.spanContext ?? spanContextFromTraceparent(input.decision?.traceparent);
  const symbol = remembered?.symbol ?? input.decision?.symbol ?? input.symbol ?? '';
  const strategyName = remembered?.strategyName ?? input.decision?.strategyName;
  const strategyVersion = remembered?.strategyVersion ?? input.decision?.strategyVersion;
  const spanAttributes: Attributes = { [A.ATTR_TRADING_OPERATION_NAME]: 'reward', ...attributes };
  if (symbol !== '') spanAttributes[A.ATTR_TRADING_SYMBOL] = symbol;
  if (strategyName !== undefined && strategyVersion !== undefined) {
    spanAttributes[A.ATTR_TRADING_STRATEGY_NAME] = strategyName;
    spanAttributes[A.ATTR_TRADING_STRATEGY_VERSION] = strategyVersion;
  }
  const links: Link[] = linked !== undefined ? [{ context: linked }] : [];
  const span = core.tracer.startSpan(symbol !== '' ? `reward ${symbol}` : 'reward', { attributes: spanAttributes, links });
  span.addEvent(A.EVENT_TRADING_REWARD, attributes);
  span.end();
  notify(core, decisionId, name, input.value, kind, 'span');
}

function notify(core: SdkCore, decisionId: string, name: string, value: number, kind: string, recordedAs: 'event' | 'span'): void {
  if (core.hooks.has('onReward')) core.hooks.emit('onReward', { decisionId, name, value, kind, recordedAs });
}
