import type { Attributes } from '@opentelemetry/api';

/** One LLM call as the gateway sees it: the provider and the request body as it is sent. */
export interface LlmGatewayCall {
  provider: string;
  request: Readonly<Record<string, unknown>>;
}

/** How a call the gateway let through ended. */
export type LlmGatewayOutcome =
  /** The provider answered: its response (undefined for a stream) and the GenAI attributes it gave the span (model, usage). */
  { ok: true; response: unknown; attributes: Attributes } | { ok: false };

/**
 * Sits between a bot's traced LLM calls and the provider (`init({ llmGateway })`); the backtest harness's in-run
 * budget and cache use it. Before a call goes out, `before` either lets it through (undefined), answers it (a cached
 * response: the span is still recorded, marked `trading.llm.cached`, without token usage since none was spent), or
 * refuses it by rejecting: the bot's call then rejects with that error, as with a provider's refusal. `after` hears
 * how every call it let through ended. Streamed calls are never answered by the gateway, only let through or refused.
 */
export interface LlmGateway {
  before(call: LlmGatewayCall): Promise<{ cached: unknown } | undefined>;
  after(call: LlmGatewayCall, outcome: LlmGatewayOutcome): void;
}
