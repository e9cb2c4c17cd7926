import { context, diag, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { randomUUID } from 'node:crypto';
import { RecentDecisions } from './recent-decisions.ts';
import { readSdkEnvironment, SdkOptionsSchema, type ResolvedSdkOptions, type SdkOptions } from './sdk-options.ts';
import * as A from './semconv/trading-attributes.ts';
import type { DecisionAction, DecisionKind, MarketType, RewardKind, TradingMode } from './semconv/trading-attributes.ts';
import type { StrategyRef } from './strategy-version.ts';
import { recordChatCompletion, type ChatCompletionLike, type ChatRequestLike } from './llm-call-attributes.ts';

const SCOPE_NAME = '@tradetrace/sdk';
const SCOPE_VERSION = '0.1.0';

export type ContextValue = string | number | boolean;

export interface DecisionInput {
  strategy: StrategyRef;
  /** CCXT unified symbol, e.g. `SOL/USDC:USDC`. */
  symbol: string;
  kind?: DecisionKind;
  /** Given by the bot, or made by the SDK. */
  id?: string;
  exchange?: string;
  marketType?: MarketType;
  mode?: TradingMode;
  /** What the bot saw; `price` should be there when known. Stored as `trading.context.<key>`. */
  context?: Record<string, ContextValue>;
}

export interface DecisionResult {
  action: DecisionAction;
  confidence?: number;
  size?: number;
}

/** Handed to the bot's decide function. */
export interface DecisionScope {
  readonly id: string;
  /** Adds to what the bot saw, e.g. indicators computed inside the decide function. */
  setContext(values: Record<string, ContextValue>): void;
}

export interface RewardInput {
  decisionId: string;
  value: number;
  /** Default `primary`. */
  name?: string;
  /** Default `realized`. */
  kind?: RewardKind;
  unit?: string;
  horizonSeconds?: number;
}

export interface PositionCloseInput {
  /** The decision that opened the position. */
  decisionId: string;
  positionId: string;
  symbol: string;
  side: 'long' | 'short';
  entryPrice: number;
  exitPrice: number;
  amount: number;
  /** Quote currency, net of fees. */
  realizedPnl: number;
  /** Fraction of the position's entry value. */
  realizedReturn: number;
  fees?: number;
  durationSeconds?: number;
  exitReason?: string;
}

export interface LlmCallInput {
  provider: string;
  request: ChatRequestLike;
}

/** The SDK handle a bot holds. No method throws an SDK error into the bot; the bot's own errors pass through. */
export interface TradeTrace {
  readonly enabled: boolean;
  decide<R extends DecisionResult>(input: DecisionInput, decideFn: (decision: DecisionScope) => R | Promise<R>): Promise<R>;
  traceLlmCall<R extends ChatCompletionLike>(input: LlmCallInput, call: () => Promise<R>): Promise<R>;
  closePosition(input: PositionCloseInput): void;
  emitReward(input: RewardInput): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Sets up tracing for a bot. Without an endpoint (or with TRADETRACE_DISABLED=1) every call is a cheap no-op. */
export function init(options: SdkOptions): TradeTrace {
  const parsed = SdkOptionsSchema.safeParse({ ...options, ...readSdkEnvironment() });
  if (!parsed.success) {
    diag.error(`tradetrace: invalid options, tracing disabled: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return DISABLED;
  }
  const resolved = parsed.data;
  if (resolved.disabled || resolved.endpoint === undefined) return DISABLED;
  return new TracingTradeTrace(resolved);
}

class TracingTradeTrace implements TradeTrace {
  readonly enabled = true;
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;
  private readonly decisions = new RecentDecisions();
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: ResolvedSdkOptions) {
    // Without a context manager child spans would not find their decision across awaits.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const url = `${options.endpoint!.replace(/\/+$/, '')}/v1/traces`;
    const exporterConfig = { url, headers: options.headers };
    const exporter = options.protocol === 'http/json' ? new OtlpJsonExporter(exporterConfig) : new OtlpProtobufExporter(exporterConfig);
    const resource: Attributes = { [ATTR_SERVICE_NAME]: options.serviceName };
    if (options.serviceVersion) resource[ATTR_SERVICE_VERSION] = options.serviceVersion;
    if (options.environment) resource['deployment.environment.name'] = options.environment;
    if (options.botId) resource[A.ATTR_TRADING_BOT_ID] = options.botId;
    this.provider = new TracerProvider({
      resource: resourceFromAttributes(resource),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter,
          maxQueueSize: options.maxQueueSize,
          maxExportBatchSize: Math.min(options.maxExportBatchSize, options.maxQueueSize),
          scheduledDelayMillis: options.scheduledDelayMillis,
        }),
      ],
    });
    this.tracer = this.provider.getTracer(SCOPE_NAME, SCOPE_VERSION);
  }

  async decide<R extends DecisionResult>(input: DecisionInput, decideFn: (decision: DecisionScope) => R | Promise<R>): Promise<R> {
    const id = input.id ?? randomUUID();
    const span = this.tracer.startSpan(`decide ${input.symbol}`, { kind: SpanKind.INTERNAL, attributes: decisionAttributes(id, input) });
    this.decisions.remember(id, {
      spanContext: span.spanContext(),
      symbol: input.symbol,
      strategyName: input.strategy.name,
      strategyVersion: input.strategy.version,
      openSpan: span,
    });
    const scope: DecisionScope = {
      id,
      setContext: (values) => span.setAttributes(contextAttributes(values)),
    };
    try {
      const result = await context.with(trace.setSpan(context.active(), span), () => decideFn(scope));
      guard(() => {
        span.setAttribute(A.ATTR_TRADING_DECISION_ACTION, result.action);
        if (result.confidence !== undefined) span.setAttribute(A.ATTR_TRADING_DECISION_CONFIDENCE, result.confidence);
        if (result.size !== undefined) span.setAttribute(A.ATTR_TRADING_DECISION_SIZE, result.size);
      });
      return result;
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      const record = this.decisions.get(id);
      if (record) record.openSpan = undefined;
      span.end();
    }
  }

  async traceLlmCall<R extends ChatCompletionLike>(input: LlmCallInput, call: () => Promise<R>): Promise<R> {
    const model = input.request.model;
    const span = this.tracer.startSpan(`chat ${model}`, { kind: SpanKind.CLIENT });
    guard(() => recordChatCompletion(span, input.provider, input.request, undefined));
    try {
      const response = await context.with(trace.setSpan(context.active(), span), call);
      guard(() => recordChatCompletion(span, input.provider, input.request, response));
      return response;
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  closePosition(input: PositionCloseInput): void {
    guard(() => {
      const decision = this.decisions.get(input.decisionId);
      const attributes: Attributes = {
        [A.ATTR_TRADING_OPERATION_NAME]: 'close_position',
        [A.ATTR_TRADING_DECISION_ID]: input.decisionId,
        [A.ATTR_TRADING_SYMBOL]: input.symbol,
        [A.ATTR_TRADING_POSITION_ID]: input.positionId,
        [A.ATTR_TRADING_POSITION_SIDE]: input.side,
        [A.ATTR_TRADING_POSITION_ENTRY_PRICE]: input.entryPrice,
        [A.ATTR_TRADING_POSITION_EXIT_PRICE]: input.exitPrice,
        [A.ATTR_TRADING_POSITION_AMOUNT]: input.amount,
        [A.ATTR_TRADING_POSITION_REALIZED_PNL]: input.realizedPnl,
        [A.ATTR_TRADING_POSITION_REALIZED_RETURN]: input.realizedReturn,
      };
      if (input.fees !== undefined) attributes[A.ATTR_TRADING_POSITION_FEES] = input.fees;
      if (input.durationSeconds !== undefined) attributes[A.ATTR_TRADING_POSITION_DURATION_S] = input.durationSeconds;
      if (input.exitReason !== undefined) attributes[A.ATTR_TRADING_POSITION_EXIT_REASON] = input.exitReason;
      if (decision) Object.assign(attributes, strategyAttributes(decision.strategyName, decision.strategyVersion));
      const span = this.tracer.startSpan(`close_position ${input.symbol}`, {
        attributes,
        links: decision ? [{ context: decision.spanContext }] : [],
      });
      span.end();
    });
  }

  emitReward(input: RewardInput): void {
    guard(() => {
      const attributes: Attributes = {
        [A.ATTR_TRADING_DECISION_ID]: input.decisionId,
        [A.ATTR_TRADING_REWARD_VALUE]: input.value,
        [A.ATTR_TRADING_REWARD_NAME]: input.name ?? 'primary',
        [A.ATTR_TRADING_REWARD_KIND]: input.kind ?? 'realized',
      };
      if (input.unit !== undefined) attributes[A.ATTR_TRADING_REWARD_UNIT] = input.unit;
      if (input.horizonSeconds !== undefined) attributes[A.ATTR_TRADING_REWARD_HORIZON_S] = input.horizonSeconds;
      const decision = this.decisions.get(input.decisionId);
      if (decision?.openSpan) {
        decision.openSpan.addEvent(A.EVENT_TRADING_REWARD, attributes);
        return;
      }
      // The decision span has ended (the usual case): a short reward span that names and links the decision.
      const symbol = decision?.symbol ?? '';
      const span = this.tracer.startSpan(symbol ? `reward ${symbol}` : 'reward', {
        attributes: {
          [A.ATTR_TRADING_OPERATION_NAME]: 'reward',
          ...(symbol ? { [A.ATTR_TRADING_SYMBOL]: symbol } : {}),
          ...(decision ? strategyAttributes(decision.strategyName, decision.strategyVersion) : {}),
          ...attributes,
        },
        links: decision ? [{ context: decision.spanContext }] : [],
      });
      span.addEvent(A.EVENT_TRADING_REWARD, attributes);
      span.end();
    });
  }

  async forceFlush(): Promise<void> {
    try {
      await this.provider.forceFlush();
    } catch (error) {
      diag.warn(`tradetrace: flush failed: ${(error as Error).message}`);
    }
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.provider.shutdown().catch((error: unknown) => {
      diag.warn(`tradetrace: shutdown failed: ${(error as Error).message}`);
    });
    return this.shutdownPromise;
  }
}

function decisionAttributes(id: string, input: DecisionInput): Attributes {
  const attributes: Attributes = {
    [A.ATTR_TRADING_OPERATION_NAME]: 'decide',
    [A.ATTR_TRADING_DECISION_ID]: id,
    [A.ATTR_TRADING_DECISION_KIND]: input.kind ?? 'rule',
    [A.ATTR_TRADING_SYMBOL]: input.symbol,
    ...strategyAttributes(input.strategy.name, input.strategy.version),
    ...contextAttributes(input.context ?? {}),
  };
  if (input.exchange !== undefined) attributes[A.ATTR_TRADING_EXCHANGE] = input.exchange;
  if (input.marketType !== undefined) attributes[A.ATTR_TRADING_MARKET_TYPE] = input.marketType;
  if (input.mode !== undefined) attributes[A.ATTR_TRADING_MODE] = input.mode;
  return attributes;
}

function strategyAttributes(name: string, version: string): Attributes {
  return { [A.ATTR_TRADING_STRATEGY_NAME]: name, [A.ATTR_TRADING_STRATEGY_VERSION]: version };
}

function contextAttributes(values: Record<string, ContextValue>): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(values)) attributes[A.ATTR_TRADING_CONTEXT_PREFIX + key] = value;
  return attributes;
}

function recordError(span: Span, error: unknown): void {
  guard(() => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  });
}

/** Runs SDK-internal work; a failure is reported through OTel's diag logger and never reaches the bot. */
function guard(work: () => void): void {
  try {
    work();
  } catch (error) {
    diag.error(`tradetrace: ${(error as Error).message}`);
  }
}

const DISABLED: TradeTrace = {
  enabled: false,
  async decide(input, decideFn) {
    return decideFn({ id: input.id ?? randomUUID(), setContext: () => {} });
  },
  traceLlmCall: (_input, call) => call(),
  closePosition: () => {},
  emitReward: () => {},
  forceFlush: async () => {},
  shutdown: async () => {},
};
