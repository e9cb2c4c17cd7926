import type { Attributes, Link, Span } from '@opentelemetry/api';
import { spanContextFromTraceparent, type DecisionRef } from '../decision-ref.ts';
import type { SdkCore } from '../sdk-core.ts';
import * as A from '../semconv/trading-attributes.ts';
import type { RewardKind } from '../semconv/trading-attributes.ts';
import { activeDecision, type ActiveDecision } from '../trading-context.ts';

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
  /** `1` for a return, a currency code for an amount. Components in different units are never added. */
  unit?: string;
  /** This reward is the decision's primary one (a reward named `primary` is too). */
  primary?: boolean;
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
  const active = activeDecision();
  const decisionId = input.decisionId ?? input.decision?.decisionId ?? active?.id;
  if (typeof decisionId !== 'string' || decisionId === '') {
    core.reporter.report(
      'warn',
      'reward-no-decision',
      () => 'emitReward() without a decision (no decisionId, no decision ref, not inside decide()): reward ignored.',
    );
    return;
  }
  // Inside the decision (its function is running, here or in anything it awaits): an event on its span.
  if (active !== undefined && active.id === decisionId && active.span.isRecording()) {
    addRewardEvent(core, active.span, decisionId, input.value, input);
    return;
  }
  if (!isFiniteReward(core, decisionId, input.value)) return;
  const name = input.name ?? A.DEFAULT_REWARD_NAME;
  const kind = input.kind ?? 'realized';
  const attributes = rewardAttributes(decisionId, input.value, name, kind, input);
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
  const span = core.tracer.startSpan(symbol !== '' ? `reward ${symbol}` : 'reward', {
    attributes: spanAttributes,
    links,
  });
  span.addEvent(A.EVENT_TRADING_REWARD, attributes);
  span.end();
  notify(core, decisionId, name, input.value, kind, 'span');
}

/** What `decision.reward(value, options)` takes besides the value. */
export type DecisionRewardOptions = Omit<RewardInput, 'value' | 'decisionId' | 'decision'>;

/**
 * `decision.reward(...)`: the decision is known, so no context lookup and no input object: an event while its span
 * is open, else `emitRewardWith` (a linked reward span).
 */
export function emitDecisionReward(
  core: SdkCore,
  decision: ActiveDecision,
  value: number,
  options: DecisionRewardOptions | undefined,
): void {
  if (decision.span.isRecording()) addRewardEvent(core, decision.span, decision.id, value, options);
  else
    emitRewardWith(
      core,
      options === undefined ? { value, decisionId: decision.id } : { ...options, value, decisionId: decision.id },
    );
}

function addRewardEvent(
  core: SdkCore,
  span: Span,
  decisionId: string,
  value: number,
  options: DecisionRewardOptions | undefined,
): void {
  if (!isFiniteReward(core, decisionId, value)) return;
  const name = options?.name ?? A.DEFAULT_REWARD_NAME;
  const kind = options?.kind ?? 'realized';
  span.addEvent(A.EVENT_TRADING_REWARD, rewardAttributes(decisionId, value, name, kind, options));
  notify(core, decisionId, name, value, kind, 'event');
}

function isFiniteReward(core: SdkCore, decisionId: string, value: unknown): value is number {
  if (typeof value === 'number' && Number.isFinite(value)) return true;
  core.reporter.report(
    'warn',
    'reward-not-finite',
    () => `emitReward() for decision ${decisionId} with a non-finite value (${String(value)}): reward ignored.`,
  );
  return false;
}

function rewardAttributes(
  decisionId: string,
  value: number,
  name: string,
  kind: string,
  options: DecisionRewardOptions | undefined,
): Attributes {
  const attributes: Attributes = {
    [A.ATTR_TRADING_DECISION_ID]: decisionId,
    [A.ATTR_TRADING_REWARD_VALUE]: value,
    [A.ATTR_TRADING_REWARD_NAME]: name,
    [A.ATTR_TRADING_REWARD_KIND]: kind,
  };
  if (options?.unit !== undefined) attributes[A.ATTR_TRADING_REWARD_UNIT] = options.unit;
  if (options?.primary === true) attributes[A.ATTR_TRADING_REWARD_PRIMARY] = true;
  if (typeof options?.horizonSeconds === 'number' && Number.isFinite(options.horizonSeconds))
    attributes[A.ATTR_TRADING_REWARD_HORIZON_S] = options.horizonSeconds;
  return attributes;
}

function notify(
  core: SdkCore,
  decisionId: string,
  name: string,
  value: number,
  kind: string,
  recordedAs: 'event' | 'span',
): void {
  if (core.hooks.has('onReward')) void core.hooks.emit('onReward', { decisionId, name, value, kind, recordedAs });
}
