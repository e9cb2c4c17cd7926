import { context, createContextKey, type Context, type Span } from '@opentelemetry/api';
import { withValue } from './overlay-context.ts';
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

/** One context key holds both, so entering a decision sets one value for them. */
export interface TradingScope {
  readonly strategy: ActiveStrategy | undefined;
  readonly decision: ActiveDecision | undefined;
}

const SCOPE_KEY = createContextKey('tradetrace.scope');

/** Strategy and decision of `ctx` in one lookup. */
export function scopeOf(ctx: Context): TradingScope | undefined {
  return ctx.getValue(SCOPE_KEY) as TradingScope | undefined;
}

export function withActiveStrategy(ctx: Context, active: ActiveStrategy): Context {
  return withValue(ctx, SCOPE_KEY, { strategy: active, decision: scopeOf(ctx)?.decision });
}

export function activeStrategy(ctx: Context = context.active()): ActiveStrategy | undefined {
  return scopeOf(ctx)?.strategy;
}

export function withActiveDecision(ctx: Context, decision: ActiveDecision): Context {
  return withValue(ctx, SCOPE_KEY, { strategy: scopeOf(ctx)?.strategy, decision });
}

/** Both at once: what `decide` uses. `strategy` undefined keeps the surrounding one. */
export function withDecisionScope(
  ctx: Context,
  strategy: ActiveStrategy | undefined,
  decision: ActiveDecision,
): Context {
  return withValue(ctx, SCOPE_KEY, { strategy: strategy ?? scopeOf(ctx)?.strategy, decision });
}

export function activeDecision(ctx: Context = context.active()): ActiveDecision | undefined {
  return scopeOf(ctx)?.decision;
}
