import { TraceFlags, type SpanContext } from '@opentelemetry/api';

/**
 * A decision as it can be stored beside a position (in a database, a message, another process) and handed back
 * later to `emitReward` or `closePosition`, so the reward links to the decision's span even across processes.
 * Plain JSON.
 */
export interface DecisionRef {
  decisionId: string;
  /** W3C `traceparent` of the decision span: `00-<trace id>-<span id>-<flags>`. */
  traceparent?: string;
  symbol?: string;
  strategyName?: string;
  strategyVersion?: string;
}

export function traceparentOf(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function spanContextFromTraceparent(traceparent: string | undefined): SpanContext | undefined {
  if (traceparent === undefined) return undefined;
  const match = TRACEPARENT.exec(traceparent.trim().toLowerCase());
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: parseInt(match[3]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
}
