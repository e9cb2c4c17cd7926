import { context, createContextKey, ROOT_CONTEXT, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  DecisionTracer,
  fallbackScope,
  type DecisionInput,
  type DecisionResult,
  type DecisionScope,
} from './decision/decision-tracing.ts';
import { BoundedExportQueue, type ExportStats } from './export/bounded-export-queue.ts';
import { ResourceMergingSpanExporter } from './export/resource-merging-span-exporter.ts';
import { HookRegistry, type TradeTraceHooks } from './hooks.ts';
import {
  instrumentAnthropicClient,
  instrumentOpenAIClient,
  type AnthropicLikeClient,
  type InstrumentLlmOptions,
  type LlmTracing,
  type OpenAILikeClient,
} from './llm/llm-instrumentation.ts';
import { traceLlmCallWith, type LlmCallInput } from './llm/manual-llm-call.ts';
import { RedactingSpanExporter } from './redaction/redacting-span-exporter.ts';
import { OtlpHttpSpanExporter } from './export/otlp-http-span-exporter.ts';
import { VersionRegistration } from './strategy-registry/version-registration.ts';
import { SecretRedactor } from './redaction/secret-redactor.ts';
import { guarded, reportInternalError } from './safety/guard.ts';
import { CONSOLE_LOGGER, describeError, RateLimitedReporter } from './safety/sdk-logger.ts';
import type { SdkCore } from './sdk-core.ts';
import { readSdkEnvironment, SdkOptionsSchema, type ResolvedSdkOptions, type SdkOptions } from './sdk-options.ts';
import * as A from './semconv/trading-attributes.ts';
import { StrategySpanProcessor } from './strategy/strategy-span-processor.ts';
import type { StrategyRef } from './strategy/strategy-version.ts';
import { withActiveStrategy, type ActiveStrategy, type FeatureFlagAssignment } from './trading-context.ts';
import type { CcxtOrderLike, CcxtTradeLike } from './trading/ccxt-shapes.ts';
import {
  OrderTracer,
  type CancelOrderInput,
  type OrderLinkOptions,
  type SubmitOrderInput,
} from './trading/order-tracing.ts';
import { closePositionWith, type PositionCloseInput } from './trading/position-close.ts';
import { BoundedMemory, DecisionMemory, type OrderRecord } from './trading/recent-memory.ts';
import { emitRewardWith, type RewardInput } from './trading/reward-emission.ts';
import type { RewardFunction } from './trading/reward-functions.ts';
import { SDK_SCOPE_NAME, SDK_VERSION } from './version.ts';
import { describeIssues } from './validation-issues.ts';

/** What `stats()` reports: the fate of every span, and how often a hook threw. */
export interface TradeTraceStats extends ExportStats {
  hookErrors: number;
}

export interface RunStrategyOptions {
  /** The A/B split that chose this version: `feature_flag.*` on its decisions. */
  featureFlag?: FeatureFlagAssignment;
}

/**
 * The SDK handle a bot holds. No method throws an SDK error into the bot and none waits on the network; the bot's
 * own errors (from its decide function, its exchange or LLM calls) pass through unchanged.
 */
export interface TradeTrace {
  /** False when disabled (`TRADETRACE_DISABLED=1`, no endpoint, invalid options): every method is then a cheap no-op. */
  readonly enabled: boolean;
  /** A tracer of the SDK's provider, for the bot's own spans: they get strategy attributes, redaction, the queue. */
  readonly tracer: Tracer;
  /**
   * With `useGlobalProvider`: the SDK's span processors (strategy and decision stamping, then the bounded export
   * queue with redaction), to pass to the app's NodeSDK or tracer provider when it is built. Empty otherwise.
   */
  readonly spanProcessors: readonly SpanProcessor[];
  /** Runs the bot's decide function (sync or async) inside a `decide {symbol}` span; resolves to what it returned. */
  decide<R extends DecisionResult>(
    input: DecisionInput,
    decideFn: (decision: DecisionScope) => R | Promise<R>,
  ): Promise<R>;
  /** `decide` for synchronous decide functions (backtests, tight loops): returns the result itself, no promise. */
  decideSync<R extends DecisionResult>(input: DecisionInput, decideFn: (decision: DecisionScope) => R): R;

  /** Runs `fn` with a strategy version active: every span inside carries `trading.strategy.*` without passing it around. */
  runStrategy<T>(strategy: StrategyRef, fn: () => T, options?: RunStrategyOptions): T;
  /** The version used outside any `runStrategy` scope (e.g. set by a registry poller); `undefined` clears it. */
  setDefaultStrategy(strategy: StrategyRef | undefined, options?: RunStrategyOptions): void;

  /** Traces `client.chat.completions.create` (streaming too) of an `openai` client; also DeepSeek and any compatible endpoint. */
  instrumentOpenAI<C extends OpenAILikeClient>(client: C, options?: InstrumentLlmOptions): C;
  /** Traces `client.messages.create` / `messages.stream` of an `@anthropic-ai/sdk` client. */
  instrumentAnthropic<C extends AnthropicLikeClient>(client: C, options?: InstrumentLlmOptions): C;
  /** A GenAI span around any other LLM call that returns an OpenAI- or Anthropic-shaped response. */
  traceLlmCall<R>(input: LlmCallInput, call: () => Promise<R>): Promise<R>;

  /** A `submit_order {symbol}` span around `place` (e.g. `() => exchange.createOrder(...)`); the CCXT order it returns completes it. */
  submitOrder<O>(input: SubmitOrderInput, place: () => O | Promise<O>): Promise<O>;
  /** A `cancel_order {symbol}` span around `cancel`. */
  cancelOrder<R>(input: CancelOrderInput, cancel: () => R | Promise<R>): Promise<R>;
  /** A later view of an order (from `fetchOrder`/`watchOrders`): status, fills. */
  recordOrderUpdate(order: CcxtOrderLike, options?: OrderLinkOptions): void;
  /** Fills seen later (from `fetchMyTrades`/`watchMyTrades`), as `trading.order.fill` events. */
  recordFills(trades: readonly CcxtTradeLike[], options?: OrderLinkOptions): void;
  /** A `close_position {symbol}` span linked to the opening decision; then every declared reward function. */
  closePosition(input: PositionCloseInput): void;

  /** A reward for a decision: an event on its span while open, else a `reward {symbol}` span linked to it. */
  emitReward(input: RewardInput): void;
  /** Declares a reward function applied to every later position close. Returns a function that removes it. */
  addRewardFunction(fn: RewardFunction): () => void;
  /** Adds lifecycle hooks. Returns a function that removes them. */
  addHooks(hooks: TradeTraceHooks): () => void;

  stats(): TradeTraceStats;
  /** Exports what is queued now. Never rejects. */
  forceFlush(): Promise<void>;
  /** Calls `onBotStop` hooks, flushes (at most `timeoutMillis`, default the `shutdownTimeoutMillis` option) and stops. Never rejects. */
  shutdown(options?: { timeoutMillis?: number }): Promise<void>;
}

/** Sets up tracing for a bot. Without an endpoint (or with `TRADETRACE_DISABLED=1`) every call is a cheap no-op. */
export function init(options: SdkOptions): TradeTrace {
  const environment = readSdkEnvironment();
  const headers =
    environment.headers === undefined ? options?.headers : { ...environment.headers, ...options?.headers };
  const parsed = SdkOptionsSchema.safeParse({ ...options, ...environment, headers });
  if (!parsed.success) {
    const reason = describeIssues(parsed.error);
    (options?.logger ?? CONSOLE_LOGGER).error(`invalid options, tracing disabled: ${reason}`);
    return DISABLED;
  }
  const resolved = parsed.data;
  if (resolved.disabled || (resolved.endpoint === undefined && resolved.exporter === undefined)) return DISABLED;
  try {
    return new TracingTradeTrace(resolved);
  } catch (error) {
    (resolved.logger ?? CONSOLE_LOGGER).error(`could not start tracing, disabled: ${describeError(error)}`);
    return DISABLED;
  }
}

/**
 * Uses the app's tracer provider, whatever it is when a span starts: a tracer of the global proxy provider delegates
 * once the app registers its provider (NodeSDK's `start()`), so `init()` may run before the NodeSDK is built.
 */
function globalProviderTracer(): Tracer {
  return trace.getTracer(SDK_SCOPE_NAME, SDK_VERSION);
}

/** Without a working context manager children would not find their decision across `await`s. Keeps one the bot set up. */
function ensureContextManager(): void {
  const probeKey = createContextKey('tradetrace.probe');
  const probe = ROOT_CONTEXT.setValue(probeKey, true);
  const works = context.with(probe, () => context.active().getValue(probeKey) === true);
  if (!works) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

function otlpExporter(options: ResolvedSdkOptions): { exporter: SpanExporter; destination: string } {
  const url = `${options.endpoint!.replace(/\/+$/, '')}/v1/traces`;
  const encoding = options.protocol === 'http/json' ? 'json' : 'protobuf';
  return {
    exporter: new OtlpHttpSpanExporter({
      url,
      headers: options.headers,
      timeoutMillis: options.exportTimeoutMillis,
      encoding,
    }),
    destination: url,
  };
}

class TracingTradeTrace implements TradeTrace {
  readonly enabled = true;
  readonly tracer: Tracer;
  readonly spanProcessors: readonly SpanProcessor[];
  /** The SDK's own provider; undefined with `useGlobalProvider` (the app's provider runs the processors). */
  private readonly provider: TracerProvider | undefined;
  private readonly queue: BoundedExportQueue;
  private readonly core: SdkCore;
  private readonly llm: LlmTracing;
  private readonly decisionTracer: DecisionTracer;
  private readonly orderTracer: OrderTracer;
  private readonly botInfo: { serviceName: string; botId: string | undefined };
  private readonly registration: VersionRegistration;
  private shutdownPromise: Promise<void> | undefined;
  private readonly onBeforeExit = () => void this.shutdown();

  private readonly options: ResolvedSdkOptions;

  constructor(options: ResolvedSdkOptions) {
    this.options = options;
    // The app's OTel SDK registers its own context manager (NodeSDK does at start()); registering one first would make its registration fail.
    if (!options.useGlobalProvider) ensureContextManager();
    const reporter = new RateLimitedReporter(options.logger ?? CONSOLE_LOGGER, options.warningIntervalMillis);
    const { exporter, destination } =
      options.exporter !== undefined
        ? { exporter: options.exporter, destination: 'the configured exporter' }
        : otlpExporter(options);
    const resource: Attributes = { ...options.resourceAttributes, [A.ATTR_SERVICE_NAME]: options.serviceName };
    if (options.serviceVersion) resource[A.ATTR_SERVICE_VERSION] = options.serviceVersion;
    if (options.environment) resource[A.ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = options.environment;
    if (options.botId) resource[A.ATTR_TRADING_BOT_ID] = options.botId;
    // Spans of the app's provider carry the app's resource: the bot's identity is merged into it on the way out.
    const botExporter = options.useGlobalProvider
      ? new ResourceMergingSpanExporter(exporter, resourceFromAttributes(resource))
      : exporter;
    const redactor = new SecretRedactor(options.redaction);
    this.queue = new BoundedExportQueue(
      redactor.enabled ? new RedactingSpanExporter(botExporter, redactor) : botExporter,
      {
        maxQueueSize: options.maxQueueSize,
        maxExportBatchSize: Math.min(options.maxExportBatchSize, options.maxQueueSize),
        scheduledDelayMillis: options.scheduledDelayMillis,
        exportTimeoutMillis: options.exportTimeoutMillis,
        destination,
      },
      reporter,
    );
    const hooks = new HookRegistry(reporter);
    if (options.hooks !== undefined) hooks.add(options.hooks);
    const processors = [new StrategySpanProcessor(() => this.core.defaultStrategy), this.queue];
    if (options.useGlobalProvider) {
      this.provider = undefined;
      this.spanProcessors = Object.freeze(processors);
      this.tracer = globalProviderTracer();
    } else {
      this.provider = new TracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: processors });
      this.spanProcessors = Object.freeze([]);
      this.tracer = this.provider.getTracer(SDK_SCOPE_NAME, SDK_VERSION);
    }
    this.core = {
      tracer: this.tracer,
      reporter,
      hooks,
      decisions: new DecisionMemory(options.maxRememberedDecisions),
      orders: new BoundedMemory<OrderRecord>(options.maxRememberedDecisions),
      rewardFunctions: [...options.rewards],
      defaultStrategy: undefined,
    };
    this.llm = {
      tracer: this.tracer,
      captureMessages: options.captureMessages,
      injectStreamUsage: options.streamUsage,
      reporter,
      gateway: options.llmGateway,
    };
    this.decisionTracer = new DecisionTracer(this.core);
    this.orderTracer = new OrderTracer(this.core);
    this.botInfo = { serviceName: options.serviceName, botId: options.botId };
    this.registration = new VersionRegistration({
      tracer: this.tracer,
      redactor,
      reporter,
      // With an exporter of its own the SDK does not know a collector to ask: the span is sent once.
      endpoint: options.exporter === undefined ? options.endpoint : undefined,
      headers: options.headers,
    });
    if (options.shutdownOnExit) process.once('beforeExit', this.onBeforeExit);
    void hooks.emit('onBotStart', this.botInfo);
  }

  decide<R extends DecisionResult>(
    input: DecisionInput,
    decideFn: (decision: DecisionScope) => R | Promise<R>,
  ): Promise<R> {
    return this.decisionTracer.decide(input, decideFn);
  }

  decideSync<R extends DecisionResult>(input: DecisionInput, decideFn: (decision: DecisionScope) => R): R {
    return this.decisionTracer.decideSync(input, decideFn);
  }

  runStrategy<T>(strategy: StrategyRef, fn: () => T, options: RunStrategyOptions = {}): T {
    this.registration.register(strategy);
    const ctx = guarded(
      this.core.reporter,
      'runStrategy',
      () => withActiveStrategy(context.active(), activeStrategyOf(strategy, options)),
      undefined,
    );
    return ctx === undefined ? fn() : context.with(ctx, fn);
  }

  setDefaultStrategy(strategy: StrategyRef | undefined, options: RunStrategyOptions = {}): void {
    if (strategy !== undefined) this.registration.register(strategy);
    this.core.defaultStrategy = strategy === undefined ? undefined : activeStrategyOf(strategy, options);
  }

  instrumentOpenAI<C extends OpenAILikeClient>(client: C, options?: InstrumentLlmOptions): C {
    return guarded(
      this.core.reporter,
      'instrumentOpenAI',
      () => instrumentOpenAIClient(this.llm, client, options),
      client,
    );
  }

  instrumentAnthropic<C extends AnthropicLikeClient>(client: C, options?: InstrumentLlmOptions): C {
    return guarded(
      this.core.reporter,
      'instrumentAnthropic',
      () => instrumentAnthropicClient(this.llm, client, options),
      client,
    );
  }

  traceLlmCall<R>(input: LlmCallInput, call: () => Promise<R>): Promise<R> {
    return traceLlmCallWith(this.llm, input, call);
  }

  submitOrder<O>(input: SubmitOrderInput, place: () => O | Promise<O>): Promise<O> {
    return this.orderTracer.submitOrder(input, place);
  }

  cancelOrder<R>(input: CancelOrderInput, cancel: () => R | Promise<R>): Promise<R> {
    return this.orderTracer.cancelOrder(input, cancel);
  }

  recordOrderUpdate(order: CcxtOrderLike, options?: OrderLinkOptions): void {
    this.orderTracer.recordOrderUpdate(order, options);
  }

  recordFills(trades: readonly CcxtTradeLike[], options?: OrderLinkOptions): void {
    this.orderTracer.recordFills(trades, options);
  }

  closePosition(input: PositionCloseInput): void {
    guarded(this.core.reporter, 'closePosition', () => closePositionWith(this.core, input), undefined);
  }

  emitReward(input: RewardInput): void {
    try {
      emitRewardWith(this.core, input);
    } catch (error) {
      reportInternalError(this.core.reporter, 'emitReward', error);
    }
  }

  addRewardFunction(fn: RewardFunction): () => void {
    this.core.rewardFunctions.push(fn);
    return () => {
      const index = this.core.rewardFunctions.indexOf(fn);
      if (index >= 0) this.core.rewardFunctions.splice(index, 1);
    };
  }

  addHooks(hooks: TradeTraceHooks): () => void {
    return this.core.hooks.add(hooks);
  }

  stats(): TradeTraceStats {
    return { ...this.queue.stats(), hookErrors: this.core.hooks.errors };
  }

  async forceFlush(): Promise<void> {
    try {
      await this.queue.forceFlush();
    } catch (error) {
      this.core.reporter.report('warn', 'flush', () => `flush failed: ${describeError(error)}`);
    }
  }

  shutdown(options: { timeoutMillis?: number } = {}): Promise<void> {
    this.shutdownPromise ??= this.doShutdown(options.timeoutMillis ?? this.options.shutdownTimeoutMillis);
    return this.shutdownPromise;
  }

  private async doShutdown(timeoutMillis: number): Promise<void> {
    process.off('beforeExit', this.onBeforeExit);
    const deadline = Date.now() + timeoutMillis;
    // Every timer of the export path is unref'd; this one keeps the process alive while shutdown runs, and no longer.
    const running = setTimeout(() => {}, timeoutMillis + 1000);
    try {
      const stopping = this.core.hooks.emit('onBotStop', this.botInfo);
      if (stopping.length > 0) await raceDeadline(Promise.all(stopping), deadline);
      await this.queue.shutdown(Math.max(0, deadline - Date.now()));
      // The registration spans are flushed now: a last question registers versions of a bot that ran only briefly.
      await this.registration.stop(deadline);
      // The app's provider is the app's to shut down (NodeSDK's shutdown() then finds the queue already flushed).
      if (this.provider !== undefined) await raceDeadline(this.provider.shutdown(), deadline);
    } catch (error) {
      this.core.reporter.report('warn', 'shutdown', () => `shutdown failed: ${describeError(error)}`);
    } finally {
      clearTimeout(running);
    }
  }
}

function activeStrategyOf(strategy: StrategyRef, options: RunStrategyOptions): ActiveStrategy {
  const ref = { name: strategy.name, version: strategy.version };
  return options.featureFlag === undefined ? { strategy: ref } : { strategy: ref, featureFlag: options.featureFlag };
}

function raceDeadline(promise: Promise<unknown>, deadline: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

const ZERO_STATS: TradeTraceStats = Object.freeze({
  ended: 0,
  exported: 0,
  droppedQueueFull: 0,
  droppedExportFailed: 0,
  droppedAtShutdown: 0,
  dropped: 0,
  queued: 0,
  hookErrors: 0,
});
const NOOP_TRACER = trace.getTracerProvider().getTracer(SDK_SCOPE_NAME, SDK_VERSION);
const noop = () => {};
const resolved = Promise.resolve();

/** The disabled SDK: every call runs the bot's code and nothing else. */
export const DISABLED: TradeTrace = Object.freeze({
  enabled: false,
  tracer: NOOP_TRACER,
  spanProcessors: Object.freeze([]),
  decide<R extends DecisionResult>(
    input: DecisionInput,
    decideFn: (decision: DecisionScope) => R | Promise<R>,
  ): Promise<R> {
    // No extra async frame: an async decide function's own promise is handed back as it is.
    try {
      return Promise.resolve(decideFn(fallbackScope(input)));
    } catch (error) {
      return Promise.reject(error);
    }
  },
  decideSync: <R extends DecisionResult>(input: DecisionInput, decideFn: (decision: DecisionScope) => R): R =>
    decideFn(fallbackScope(input)),
  runStrategy: <T>(_strategy: StrategyRef, fn: () => T): T => fn(),
  setDefaultStrategy: noop,
  instrumentOpenAI: <C>(client: C): C => client,
  instrumentAnthropic: <C>(client: C): C => client,
  traceLlmCall: <R>(_input: LlmCallInput, call: () => Promise<R>): Promise<R> => call(),
  submitOrder: async <O>(_input: SubmitOrderInput, place: () => O | Promise<O>): Promise<O> => place(),
  cancelOrder: async <R>(_input: CancelOrderInput, cancel: () => R | Promise<R>): Promise<R> => cancel(),
  recordOrderUpdate: noop,
  recordFills: noop,
  closePosition: noop,
  emitReward: noop,
  addRewardFunction: () => noop,
  addHooks: () => noop,
  stats: () => ZERO_STATS,
  forceFlush: () => resolved,
  shutdown: () => resolved,
});
