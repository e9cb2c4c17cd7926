import { context, createContextKey, type Context, type Span } from '@opentelemetry/api';
import type { StrategyRef } from './strategy/strategy-version.ts';

/** An A/B assignment: which split chose the strategy version, and which variant this run got. */
export interface FeatureFlagAssignment {
  /** `feature_flag.key`, e.g. `momentum-v2-rollout`. */
  key: string;
  /** `feature_flag.result.variant`, e.g. `treatment`. */
  variant: string;
  /** `feature_flag.provider.name`, e.g. `tradetrace-registry`. */
  provider?: string;
}

/** What the SDK keeps in the OTel context while a strategy version runs. */
export interface ActiveStrategy {
  strategy: StrategyRef;
  featureFlag?: FeatureFlagAssignment;
}

/** The decision whose function is running: children find their decision span and id through it. */
export interface ActiveDecision {
  id: string;
  span: Span;
  symbol: string;
}

const STRATEGY_KEY = createContextKey('tradetrace.strategy');
const DECISION_KEY = createContextKey('tradetrace.decision');

export function withActiveStrategy(ctx: Context, active: ActiveStrategy): Context {
  return ctx.setValue(STRATEGY_KEY, active);
}

export function activeStrategy(ctx: Context = context.active()): ActiveStrategy | undefined {
  return ctx.getValue(STRATEGY_KEY) as ActiveStrategy | undefined;
}

export function withActiveDecision(ctx: Context, decision: ActiveDecision): Context {
  return ctx.setValue(DECISION_KEY, decision);
}

export function activeDecision(ctx: Context = context.active()): ActiveDecision | undefined {
  return ctx.getValue(DECISION_KEY) as ActiveDecision | undefined;
}
