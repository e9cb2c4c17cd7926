import { context, SpanKind, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import * as A from '../semconv/trading-attributes.ts';
import { describeError, type RateLimitedReporter } from '../safety/sdk-logger.ts';
import { recordSpanError } from '../safety/guard.ts';
import type { LlmGateway, LlmGatewayCall, LlmGatewayOutcome } from './llm-gateway.ts';
import {
  ANTHROPIC_MESSAGES_ADAPTER,
  OPENAI_CHAT_ADAPTER,
  providerFromBaseUrl,
  serverAttributes,
  type ProviderAdapter,
  type StreamAccumulator,
} from './provider-adapters.ts';

/** The parts of the SDK that LLM instrumentation needs. */
export interface LlmTracing {
  readonly tracer: Tracer;
  readonly captureMessages: boolean;
  readonly injectStreamUsage: boolean;
  readonly reporter: RateLimitedReporter;
  /** Answers or refuses calls before they go out (`init({ llmGateway })`); none by default. */
  readonly gateway?: LlmGateway | undefined;
}

export interface InstrumentLlmOptions {
  /** `gen_ai.provider.name`; by default guessed from the client's base URL (`openai` for unknown compatible endpoints). */
  provider?: string;
  /** Overrides the SDK-wide `captureMessages` for this client. */
  captureMessages?: boolean;
}

/** Any client library's `create`, overloads and all; `any` because nothing is imported from the libraries. */
// biome-ignore lint/suspicious/noExplicitAny: the only type every client's overloaded `create` is assignable to
type CreateMethod = (...args: any[]) => any;

/** Structural shape of an `openai` (v4–v7) client: nothing is imported from the library. */
export interface OpenAILikeClient {
  baseURL?: string;
  chat: { completions: { create: CreateMethod } };
}

/** Structural shape of an `@anthropic-ai/sdk` client. */
export interface AnthropicLikeClient {
  baseURL?: string;
  messages: { create: CreateMethod };
}

const ORIGINAL = Symbol.for('tradetrace.llm.original-create');
type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

/** Wraps `client.chat.completions.create` of this client instance (no global patching). Returns the client. */
export function instrumentOpenAIClient<C extends OpenAILikeClient>(
  tracing: LlmTracing,
  client: C,
  options: InstrumentLlmOptions = {},
): C {
  const provider = options.provider ?? providerFromBaseUrl(client.baseURL, 'openai');
  wrapCreate(client.chat.completions, OPENAI_CHAT_ADAPTER, tracing, provider, client.baseURL, options.captureMessages);
  return client;
}

/** Wraps `client.messages.create` of this client instance (`messages.stream()` goes through it too). Returns the client. */
export function instrumentAnthropicClient<C extends AnthropicLikeClient>(
  tracing: LlmTracing,
  client: C,
  options: InstrumentLlmOptions = {},
): C {
  const provider = options.provider ?? providerFromBaseUrl(client.baseURL, 'anthropic');
  wrapCreate(client.messages, ANTHROPIC_MESSAGES_ADAPTER, tracing, provider, client.baseURL, options.captureMessages);
  return client;
}

export function adapterForProvider(provider: string): ProviderAdapter {
  return provider === 'anthropic' || provider === 'aws.bedrock' ? ANTHROPIC_MESSAGES_ADAPTER : OPENAI_CHAT_ADAPTER;
}

function wrapCreate(
  resource: { create: CreateMethod },
  adapter: ProviderAdapter,
  tracing: LlmTracing,
  provider: string,
  baseUrl: string | undefined,
  captureOverride: boolean | undefined,
): void {
  const current = resource.create as CreateMethod & { [ORIGINAL]?: CreateMethod };
  const original = current[ORIGINAL] ?? current;
  const fixed: Attributes = { [A.ATTR_GEN_AI_PROVIDER_NAME]: provider, ...serverAttributes(baseUrl) };

  const traced = function (this: unknown, body: unknown, ...rest: unknown[]): unknown {
    if (!isRecord(body)) return original.call(this, body, ...rest);
    let call: LlmCall | undefined;
    let requestBody: Loose = body;
    try {
      const capture = captureOverride ?? tracing.captureMessages;
      const prepared = adapter.prepareRequest(body, tracing.injectStreamUsage);
      requestBody = prepared.body;
      call = new LlmCall(
        tracing,
        adapter,
        adapter.requestAttributes(body, capture, { ...fixed }),
        String(body.model ?? ''),
        capture,
        prepared.injectedUsage,
      );
    } catch (error) {
      reportInternal(tracing, error);
      return original.call(this, body, ...rest);
    }
    const llm = call;
    const send = () =>
      context.with(trace.setSpan(context.active(), llm.span), () => original.call(this, requestBody, ...rest));
    const streamed = requestBody.stream === true;
    if (tracing.gateway)
      return callThroughGateway(tracing.gateway, llm, { provider, request: requestBody }, streamed, send);
    return sendAndObserve(llm, send, streamed);
  };
  Object.defineProperty(traced, ORIGINAL, { value: original });
  Object.defineProperty(traced, 'name', { value: original.name });
  resource.create = traced;
}

/** Sends the call and observes what the client returns; a client that throws at once fails the span too. */
function sendAndObserve(llm: LlmCall, send: () => unknown, streamed: boolean): unknown {
  let result: unknown;
  try {
    result = send();
  } catch (error) {
    llm.fail(error);
    throw error;
  }
  return llm.observe(result, streamed);
}

/**
 * A call that asks the gateway first: answered from its cache (the span marked cached), refused (the span failed,
 * the caller rejected with the gateway's error), or sent and observed as usual. The caller gets a plain promise of
 * what the client returns once awaited (an `APIPromise`'s `withResponse()` is not available then).
 */
export function callThroughGateway(
  gateway: LlmGateway,
  llm: LlmCall,
  call: LlmGatewayCall,
  streamed: boolean,
  send: () => unknown,
): Promise<unknown> {
  let decision: Promise<{ cached: unknown } | undefined>;
  try {
    decision = Promise.resolve(gateway.before(call));
  } catch (error) {
    decision = Promise.reject(error);
  }
  return decision.then(
    (answer) => {
      if (answer !== undefined && !streamed) {
        llm.answerFromCache(answer.cached);
        return answer.cached;
      }
      llm.reportTo(gateway, call);
      return sendAndObserve(llm, send, streamed);
    },
    (error: unknown) => {
      llm.fail(error);
      throw error;
    },
  );
}

function reportInternal(tracing: LlmTracing, error: unknown): void {
  tracing.reporter.report(
    'error',
    'llm-internal',
    () => `LLM instrumentation error (the call itself went ahead): ${describeError(error)}`,
  );
}

/** One LLM call: its span, and the observation of its result (a promise, an APIPromise, or a stream). */
export class LlmCall {
  readonly span: Span;
  private ended = false;
  /** The gateway that let this call through, told once how it ended. */
  private gateway: { gateway: LlmGateway; call: LlmGatewayCall } | undefined;

  private readonly tracing: LlmTracing;
  private readonly adapter: ProviderAdapter;
  private readonly capture: boolean;
  private readonly injectedUsage: boolean;

  constructor(
    tracing: LlmTracing,
    adapter: ProviderAdapter,
    attributes: Attributes,
    model: string,
    capture: boolean,
    injectedUsage: boolean,
  ) {
    this.tracing = tracing;
    this.adapter = adapter;
    this.capture = capture;
    this.injectedUsage = injectedUsage;
    // Set on the span rather than given to startSpan, which copies and checks them twice (see identityAttributes).
    this.span = tracing.tracer.startSpan(model ? `${adapter.operation} ${model}` : adapter.operation, {
      kind: SpanKind.CLIENT,
    });
    this.span.setAttributes(attributes);
  }

  /**
   * Observes the library's return value without changing what the caller can do with it. Stainless-generated
   * clients (openai, @anthropic-ai/sdk) return an `APIPromise`: its `_thenUnwrap` gives one that still has
   * `withResponse()` / `asResponse()` and parses lazily, exactly like the original.
   */
  observe(result: unknown, streamed: boolean): unknown {
    const onValue = (value: unknown): unknown => {
      try {
        if (streamed) this.watchStream(value);
        else this.succeed(this.adapter.responseAttributes(value, this.capture), value);
      } catch (error) {
        reportInternal(this.tracing, error);
        this.end();
      }
      return value;
    };
    if (isRecord(result) && typeof result._thenUnwrap === 'function') {
      const responsePromise = result.responsePromise;
      if (isRecord(responsePromise) && typeof responsePromise.then === 'function') {
        (responsePromise as unknown as Promise<unknown>).then(undefined, (error: unknown) => this.fail(error));
      }
      return (result._thenUnwrap as (transform: (value: unknown) => unknown) => unknown).call(result, onValue);
    }
    if (isRecord(result) && typeof result.then === 'function') {
      return (result as unknown as Promise<unknown>).then(onValue, (error: unknown) => {
        this.fail(error);
        throw error;
      });
    }
    return onValue(result);
  }

  /** `response` is the parsed answer when there is one (not for streams); the gateway may cache it. */
  succeed(attributes: Attributes, response?: unknown): void {
    if (this.ended) return;
    this.span.setAttributes(attributes);
    this.tellGateway({ ok: true, response, attributes });
    this.end();
  }

  fail(error: unknown): void {
    if (this.ended) return;
    recordSpanError(this.span, error);
    this.end();
  }

  /** Will tell `gateway` how the call ends (any end that is not `succeed` counts as failed). */
  reportTo(gateway: LlmGateway, call: LlmGatewayCall): void {
    this.gateway = { gateway, call };
  }

  /** The gateway answered: the span records the answer, marked cached, without token usage (none was spent). */
  answerFromCache(response: unknown): void {
    if (this.ended) return;
    try {
      const attributes = this.adapter.responseAttributes(response, this.capture);
      for (const key of Object.keys(attributes)) if (key.startsWith('gen_ai.usage.')) delete attributes[key];
      this.span.setAttributes(attributes);
      this.span.setAttribute(A.ATTR_TRADING_LLM_CACHED, true);
    } catch (error) {
      reportInternal(this.tracing, error);
    }
    this.end();
  }

  private tellGateway(outcome: LlmGatewayOutcome): void {
    const target = this.gateway;
    this.gateway = undefined;
    if (!target) return;
    try {
      target.gateway.after(target.call, outcome);
    } catch (error) {
      reportInternal(this.tracing, error);
    }
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.tellGateway({ ok: false });
    this.span.end();
  }

  /**
   * Streams: the span ends when the caller finishes, breaks out of, or fails on the stream. The stream's own
   * `iterator` is wrapped in place, so `for await`, `tee()`, `toReadableStream()` and the libraries' helpers all see
   * the same chunks as without instrumentation (minus the usage-only chunk the SDK itself asked for).
   */
  private watchStream(stream: unknown): void {
    const accumulator = this.adapter.streamAccumulator(this.injectedUsage);
    if (!isRecord(stream)) {
      this.end();
      return;
    }
    const finish = (outcome: 'done' | 'abandoned' | { error: unknown }) => {
      try {
        if (typeof outcome === 'object') {
          this.span.setAttributes(accumulator.attributes(this.capture));
          this.fail(outcome.error);
        } else {
          this.succeed(accumulator.attributes(this.capture));
        }
      } catch (error) {
        reportInternal(this.tracing, error);
        this.end();
      }
    };
    if (typeof stream.iterator === 'function') {
      const original = stream.iterator as (this: unknown, ...args: unknown[]) => AsyncIterator<unknown>;
      stream.iterator = function (this: unknown, ...args: unknown[]) {
        return observeIterator(original.apply(this, args), accumulator, finish);
      };
      return;
    }
    const ownIterator = stream[Symbol.asyncIterator as unknown as string];
    if (typeof ownIterator === 'function') {
      const original = ownIterator as (this: unknown) => AsyncIterator<unknown>;
      (stream as Record<symbol, unknown>)[Symbol.asyncIterator] = function (this: unknown) {
        return observeIterator(original.call(this), accumulator, finish);
      };
      return;
    }
    this.end();
  }
}

/**
 * An async iterator that hands through every result of `inner` untouched (same objects, same order), tells the
 * accumulator about each item, and reports once how the iteration ended.
 */
function observeIterator(
  inner: AsyncIterator<unknown>,
  accumulator: StreamAccumulator,
  finish: (outcome: 'done' | 'abandoned' | { error: unknown }) => void,
): AsyncIterableIterator<unknown> {
  let finished = false;
  const once = (outcome: 'done' | 'abandoned' | { error: unknown }) => {
    if (finished) return;
    finished = true;
    finish(outcome);
  };
  const deliver = (value: unknown): boolean => {
    try {
      return accumulator.observe(value);
    } catch {
      return true;
    }
  };
  const iterator: AsyncIterableIterator<unknown> = {
    async next(...args: [] | [unknown]) {
      for (;;) {
        let result: IteratorResult<unknown>;
        try {
          result = await inner.next(...args);
        } catch (error) {
          once({ error });
          throw error;
        }
        if (result.done) {
          once('done');
          return result;
        }
        if (deliver(result.value)) return result;
      }
    },
    async return(value?: unknown) {
      once('abandoned');
      return inner.return ? inner.return(value) : { done: true, value };
    },
    async throw(error?: unknown) {
      once({ error });
      if (inner.throw) return inner.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}
