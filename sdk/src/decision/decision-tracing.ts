import { context, SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { traceparentOf, type DecisionRef } from '../decision-ref.ts';
import { recordSpanError, reportInternalError } from '../safety/guard.ts';
import type { SdkCore } from '../sdk-core.ts';
import * as A from '../semconv/trading-attributes.ts';
import type { DecisionAction, DecisionKind, MarketType, TradingMode } from '../semconv/trading-attributes.ts';
import type { StrategyRef } from '../strategy/strategy-version.ts';
import {
  activeStrategy,
  withDecisionScope,
  type ActiveStrategy,
  type FeatureFlagAssignment,
} from '../trading-context.ts';
import { emitDecisionReward, type DecisionRewardOptions } from '../trading/reward-emission.ts';
import { flattenContext, flattenContextInto, type ContextValues } from './context-values.ts';

export interface DecisionInput {
  /** CCXT unified symbol, e.g. `SOL/USDC:USDC`. */
  symbol: string;
  /** Default: the version of the surrounding `runStrategy` scope, else the SDK's default version. */
  strategy?: StrategyRef;
  /** Default `rule`. */
  kind?: DecisionKind;
  /** Given by the bot, or made by the SDK (a UUID). */
  id?: string;
  exchange?: string;
  marketType?: MarketType;
  mode?: TradingMode;
  /**
   * What the bot saw; `price` should be there when known. Stored as `trading.context.<key>` with numbers as
   * numbers; nested objects are flattened with dots (`{ position: { amount: 1 } }` → `trading.context.position.amount`).
   */
  context?: ContextValues;
  /** The A/B split that chose this version, when not given by the surrounding `runStrategy` scope. */
  featureFlag?: FeatureFlagAssignment;
}

export interface DecisionResult {
  action: DecisionAction;
  /** 0..1. */
  confidence?: number;
  size?: number;
  /** Short rationale (an LLM's explanation, the rule that fired). */
  reason?: string;
}

/** Handed to the bot's decide function. */
export interface DecisionScope {
  readonly id: string;
  /** A plain-JSON reference to this decision, to store with the position and hand back to `emitReward` later. */
  readonly ref: DecisionRef;
  /** Adds to what the bot saw, e.g. indicators computed inside the decide function. */
  setContext(values: ContextValues): void;
  /** `emitReward` for this decision (an event on its span while it is open). */
  reward(value: number, options?: DecisionRewardOptions): void;
}

/**
 * One running decision, which is also the `DecisionScope` its function gets (methods on the prototype: entering a
 * decision allocates no closures).
 */
class DecisionRun implements DecisionScope {
  readonly context: Context;
  readonly id: string;
  readonly span: Span;
  private readonly core: SdkCore;
  private readonly input: DecisionInput;
  private readonly strategy: StrategyRef | undefined;
  private readonly startedAt: number;
  private madeRef: DecisionRef | undefined;

  constructor(
    core: SdkCore,
    id: string,
    span: Span,
    input: DecisionInput,
    strategy: StrategyRef | undefined,
    parent: Context,
    active: ActiveStrategy | undefined,
  ) {
    this.core = core;
    this.id = id;
    this.span = span;
    this.input = input;
    this.strategy = strategy;
    // The run itself is the context's ActiveDecision (id, span, symbol): one object less per decision. Scope first:
    // it makes an overlay context, on which setting the span is another small object instead of a copy.
    this.context = trace.setSpan(withDecisionScope(parent, active, this), span);
    core.decisions.remember(id, span, input.symbol, strategy?.name, strategy?.version);
    const hooks = core.hooks;
    this.startedAt = hooks.has('onDecisionEnd') ? performance.now() : 0;
    if (hooks.has('onDecisionStart'))
      void hooks.emit('onDecisionStart', { decisionId: id, symbol: input.symbol, strategy });
  }

  get symbol(): string {
    return this.input.symbol;
  }

  /** Made on first use: most decide functions never ask for it. */
  get ref(): DecisionRef {
    if (this.madeRef === undefined) {
      const ref: DecisionRef = {
        decisionId: this.id,
        traceparent: traceparentOf(this.span.spanContext()),
        symbol: this.input.symbol,
      };
      if (this.strategy !== undefined) {
        ref.strategyName = this.strategy.name;
        ref.strategyVersion = this.strategy.version;
      }
      this.madeRef = ref;
    }
    return this.madeRef;
  }

  setContext(values: ContextValues): void {
    try {
      this.span.setAttributes(flattenContext(values));
    } catch (error) {
      reportInternalError(this.core.reporter, 'setContext', error);
    }
  }

  reward(value: number, options?: DecisionRewardOptions): void {
    try {
      emitDecisionReward(this.core, this, value, options);
    } catch (error) {
      reportInternalError(this.core.reporter, 'emitReward', error);
    }
  }

  finish(result: unknown): void {
    try {
      const r = result as Partial<DecisionResult> | null | undefined;
      const span = this.span;
      if (r !== null && typeof r === 'object') {
        if (typeof r.action === 'string') span.setAttribute(A.ATTR_TRADING_DECISION_ACTION, r.action.toLowerCase());
        if (typeof r.confidence === 'number') span.setAttribute(A.ATTR_TRADING_DECISION_CONFIDENCE, r.confidence);
        if (typeof r.size === 'number') span.setAttribute(A.ATTR_TRADING_DECISION_SIZE, r.size);
        if (typeof r.reason === 'string' && r.reason !== '')
          span.setAttribute(A.ATTR_TRADING_DECISION_REASON, r.reason);
      }
      this.end(typeof r?.action === 'string' ? r.action : undefined, undefined);
    } catch (error) {
      reportInternalError(this.core.reporter, 'decision result', error);
    }
  }

  fail(error: unknown): void {
    recordSpanError(this.span, error);
    try {
      this.end(undefined, error);
    } catch (internal) {
      reportInternalError(this.core.reporter, 'decision end', internal);
    }
  }

  private end(action: string | undefined, error: unknown): void {
    this.span.end();
    if (this.core.hooks.has('onDecisionEnd')) {
      void this.core.hooks.emit('onDecisionEnd', {
        decisionId: this.id,
        symbol: this.input.symbol,
        strategy: this.strategy,
        action,
        error,
        durationMs: performance.now() - this.startedAt,
      });
    }
  }
}

/** Decision tracing: `decide` (sync or async decide functions) and `decideSync` (sync, returns the result itself). */
export class DecisionTracer {
  private readonly core: SdkCore;
  private warnedNoPrice = false;

  constructor(core: SdkCore) {
    this.core = core;
  }

  decide<R extends DecisionResult>(
    input: DecisionInput,
    decideFn: (decision: DecisionScope) => R | Promise<R>,
  ): Promise<R> {
    const run = this.start(input);
    let result: R | Promise<R>;
    try {
      result = run === undefined ? decideFn(fallbackScope(input)) : context.with(run.context, decideFn, undefined, run);
    } catch (error) {
      run?.fail(error);
      return Promise.reject(error);
    }
    if (run === undefined) return Promise.resolve(result);
    // Not an async function: one `then` on the decide function's promise, no extra await hops.
    if (result !== null && typeof (result as Promise<R>)?.then === 'function') {
      return (result as Promise<R>).then(
        (value) => {
          run.finish(value);
          return value;
        },
        (error: unknown) => {
          run.fail(error);
          throw error;
        },
      );
    }
    run.finish(result);
    return Promise.resolve(result as R);
  }

  decideSync<R extends DecisionResult>(input: DecisionInput, decideFn: (decision: DecisionScope) => R): R {
    const run = this.start(input);
    if (run === undefined) return decideFn(fallbackScope(input));
    let result: R;
    try {
      result = context.with(run.context, decideFn, undefined, run);
    } catch (error) {
      run.fail(error);
      throw error;
    }
    if (result !== null && typeof (result as unknown as Promise<unknown>)?.then === 'function') {
      this.core.reporter.report(
        'warn',
        'decideSync-promise',
        () =>
          'decideSync() got a promise: use decide() for async decide functions (the span ended before the promise settled).',
      );
    }
    run.finish(result);
    return result;
  }

  private start(input: DecisionInput): DecisionRun | undefined {
    try {
      const parent = context.active();
      const scoped = activeStrategy(parent) ?? this.core.defaultStrategy;
      const strategy = input.strategy ?? scoped?.strategy;
      const featureFlag =
        input.featureFlag ??
        (input.strategy === undefined || sameStrategy(input.strategy, scoped?.strategy)
          ? scoped?.featureFlag
          : undefined);
      const active: ActiveStrategy | undefined =
        strategy === undefined ? undefined : featureFlag === undefined ? { strategy } : { strategy, featureFlag };
      const id = typeof input.id === 'string' && input.id !== '' ? input.id : randomUUID();
      const span = this.core.tracer.startSpan(
        `decide ${input.symbol}`,
        { kind: SpanKind.INTERNAL, attributes: identityAttributes(id, active) },
        parent,
      );
      span.setAttributes(decisionAttributes(input, active));
      if (!this.warnedNoPrice && input.context !== undefined && input.context.price === undefined) {
        this.warnedNoPrice = true;
        this.core.reporter.report(
          'warn',
          'no-price',
          () =>
            `decision context for ${input.symbol} has no price: trading.context.price is required when known (P&L and counterfactual analysis start from it). Reported once.`,
        );
      }
      return new DecisionRun(this.core, id, span, input, strategy, parent, active);
    } catch (error) {
      reportInternalError(this.core.reporter, 'decision start', error);
      return undefined;
    }
  }
}

function sameStrategy(a: StrategyRef | undefined, b: StrategyRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.name === b.name && a.version === b.version;
}

/**
 * What the strategy processor looks for when the span starts (so it stamps nothing from the parent context). Only
 * these go to `startSpan`: OTel copies and checks start attributes twice (for the sampler, then for the span; the
 * built-in samplers, the only ones the SDK runs, ignore them), attributes set on the span once.
 */
function identityAttributes(id: string, active: ActiveStrategy | undefined): Attributes {
  const attributes: Attributes = { [A.ATTR_TRADING_DECISION_ID]: id };
  if (active !== undefined) {
    attributes[A.ATTR_TRADING_STRATEGY_NAME] = active.strategy.name;
    attributes[A.ATTR_TRADING_STRATEGY_VERSION] = active.strategy.version;
  }
  return attributes;
}

function decisionAttributes(input: DecisionInput, active: ActiveStrategy | undefined): Attributes {
  const attributes: Attributes = {
    [A.ATTR_TRADING_OPERATION_NAME]: 'decide',
    [A.ATTR_TRADING_DECISION_KIND]: input.kind ?? 'rule',
    [A.ATTR_TRADING_SYMBOL]: input.symbol,
  };
  if (active?.featureFlag !== undefined) {
    attributes[A.ATTR_FEATURE_FLAG_KEY] = active.featureFlag.key;
    attributes[A.ATTR_FEATURE_FLAG_RESULT_VARIANT] = active.featureFlag.variant;
    if (active.featureFlag.provider !== undefined)
      attributes[A.ATTR_FEATURE_FLAG_PROVIDER_NAME] = active.featureFlag.provider;
  }
  if (input.exchange !== undefined) attributes[A.ATTR_TRADING_EXCHANGE] = input.exchange;
  if (input.marketType !== undefined) attributes[A.ATTR_TRADING_MARKET_TYPE] = input.marketType;
  if (input.mode !== undefined) attributes[A.ATTR_TRADING_MODE] = input.mode;
  if (input.context !== undefined) flattenContextInto(attributes, input.context);
  return attributes;
}

/** The scope a decide function gets when tracing could not start (disabled SDK, internal error). The id is made on first use. */
class UntracedScope implements DecisionScope {
  private readonly input: DecisionInput | undefined;
  private madeId: string | undefined;

  constructor(input: DecisionInput | undefined) {
    this.input = input;
  }

  get id(): string {
    if (this.madeId === undefined)
      this.madeId = typeof this.input?.id === 'string' && this.input.id !== '' ? this.input.id : randomUUID();
    return this.madeId;
  }

  get ref(): DecisionRef {
    return { decisionId: this.id, symbol: this.input?.symbol };
  }

  setContext(): void {}

  reward(): void {}
}

export function fallbackScope(input: DecisionInput): DecisionScope {
  return new UntracedScope(input);
}
