import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import * as A from '../semconv/trading-attributes.ts';
import { scopeOf, type ActiveStrategy } from '../trading-context.ts';

/**
 * Stamps every span started while a strategy version runs with `trading.strategy.name` / `trading.strategy.version`
 * (from the OTel context, or the process-wide default version), and every span started inside a decision with that
 * decision's `trading.decision.id`. The bot never passes either around. Attributes a span already has are kept.
 */
export class StrategySpanProcessor implements SpanProcessor {
  private readonly defaultStrategy: () => ActiveStrategy | undefined;
  constructor(defaultStrategy: () => ActiveStrategy | undefined) {
    this.defaultStrategy = defaultStrategy;
  }

  onStart(span: Span, parentContext: Context): void {
    const attributes = span.attributes;
    const needsStrategy = attributes[A.ATTR_TRADING_STRATEGY_NAME] === undefined;
    const needsDecision = attributes[A.ATTR_TRADING_DECISION_ID] === undefined;
    // The SDK's decision spans carry both already: no context lookup for them.
    if (!needsStrategy && !needsDecision) return;
    const scope = scopeOf(parentContext);
    if (needsStrategy) {
      const strategy = scope?.strategy ?? this.defaultStrategy();
      if (strategy !== undefined) {
        span.setAttribute(A.ATTR_TRADING_STRATEGY_NAME, strategy.strategy.name);
        span.setAttribute(A.ATTR_TRADING_STRATEGY_VERSION, strategy.strategy.version);
      }
    }
    if (needsDecision && scope?.decision !== undefined)
      span.setAttribute(A.ATTR_TRADING_DECISION_ID, scope.decision.id);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
