import { context, trace, type Attributes } from '@opentelemetry/api';
import * as A from '../semconv/trading-attributes.ts';
import { reportInternalError } from '../safety/guard.ts';
import { adapterForProvider, callThroughGateway, LlmCall, type LlmTracing } from './llm-instrumentation.ts';
import type { ProviderAdapter } from './provider-adapters.ts';

/** The part of an OpenAI-style (or Anthropic-style) request the span records. */
export interface ChatRequestLike {
  model: string;
  messages: readonly unknown[];
  temperature?: number | null;
  max_tokens?: number | null;
  [key: string]: unknown;
}

/** The part of an OpenAI-style chat completion the span records (Anthropic messages work too). */
export interface ChatCompletionLike {
  id?: string;
  model?: string;
  choices?: readonly { finish_reason?: string | null; message?: unknown }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

export interface LlmCallInput {
  /** `gen_ai.provider.name`: `openai`, `deepseek`, `anthropic`, ... */
  provider: string;
  request: ChatRequestLike;
  /** `server.address` of the endpoint, when known. */
  serverAddress?: string;
}

/** For LLM clients the SDK does not instrument itself: a GenAI span around any call returning a chat completion. */
export function traceLlmCallWith<R>(tracing: LlmTracing, input: LlmCallInput, call: () => Promise<R>): Promise<R> {
  let llm: LlmCall;
  let adapter: ProviderAdapter;
  try {
    adapter = adapterForProvider(input.provider);
    const attributes: Attributes = { [A.ATTR_GEN_AI_PROVIDER_NAME]: input.provider };
    adapter.requestAttributes(input.request as Record<string, unknown>, tracing.captureMessages, attributes);
    if (input.serverAddress !== undefined) attributes[A.ATTR_SERVER_ADDRESS] = input.serverAddress;
    llm = new LlmCall(tracing, adapter, attributes, String(input.request.model ?? ''), tracing.captureMessages, false);
  } catch (error) {
    reportInternalError(tracing.reporter, 'traceLlmCall', error);
    return call();
  }
  if (tracing.gateway) {
    const send = () => context.with(trace.setSpan(context.active(), llm.span), call);
    const request = input.request as Record<string, unknown>;
    return callThroughGateway(tracing.gateway, llm, { provider: input.provider, request }, false, send) as Promise<R>;
  }
  let pending: Promise<R>;
  try {
    pending = context.with(trace.setSpan(context.active(), llm.span), call);
  } catch (error) {
    llm.fail(error);
    return Promise.reject(error);
  }
  return Promise.resolve(pending).then(
    (response) => {
      try {
        llm.succeed(adapter.responseAttributes(response, tracing.captureMessages));
      } catch (error) {
        reportInternalError(tracing.reporter, 'traceLlmCall result', error);
      }
      return response;
    },
    (error: unknown) => {
      llm.fail(error);
      throw error;
    },
  );
}
