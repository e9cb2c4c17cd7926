import type { Span } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';

/** The part of an OpenAI-style chat request the span records. */
export interface ChatRequestLike {
  model: string;
  messages: readonly unknown[];
  temperature?: number | null;
  max_tokens?: number | null;
}

/** The part of an OpenAI-style chat completion the span records. */
export interface ChatCompletionLike {
  id?: string;
  model?: string;
  choices?: readonly { finish_reason?: string | null; message?: unknown }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/** GenAI semantic-convention attributes (v1.41 names) for a chat call; without a response, the request's only. */
export function recordChatCompletion(span: Span, provider: string, request: ChatRequestLike, response: ChatCompletionLike | undefined): void {
  if (response === undefined) {
    span.setAttributes({
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_PROVIDER_NAME]: provider,
      [ATTR_GEN_AI_REQUEST_MODEL]: request.model,
      [ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify(request.messages),
    });
    if (typeof request.temperature === 'number') span.setAttribute(ATTR_GEN_AI_REQUEST_TEMPERATURE, request.temperature);
    if (typeof request.max_tokens === 'number') span.setAttribute(ATTR_GEN_AI_REQUEST_MAX_TOKENS, request.max_tokens);
    return;
  }
  if (response.id) span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, response.id);
  if (response.model) span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, response.model);
  const choices = response.choices ?? [];
  span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, choices.map((c) => c.finish_reason ?? ''));
  span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, JSON.stringify(choices.map((c) => c.message)));
  if (typeof response.usage?.prompt_tokens === 'number') span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, response.usage.prompt_tokens);
  if (typeof response.usage?.completion_tokens === 'number') span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, response.usage.completion_tokens);
}
