import type { AttributeValue, Attributes } from '@opentelemetry/api';
import * as A from '../semconv/trading-attributes.ts';
import {
  anthropicInputMessages,
  anthropicToolDefinitions,
  anthropicOutputMessages,
  anthropicSystemInstructions,
  openAiInputMessages,
  openAiOutputMessages,
  openAiToolDefinitions,
  type GenAiMessage,
} from './genai-messages.ts';

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

function setNumber(out: Attributes, key: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
}

function setString(out: Attributes, key: string, value: unknown): void {
  if (typeof value === 'string' && value !== '') out[key] = value;
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * `gen_ai.input.messages` written straight to JSON for the common case (every message `{ role, content: string }`,
 * no tool calls): the same text `json(openAiInputMessages(...))` gives, without building the objects first.
 */
function plainTextMessagesJson(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  let out = '[';
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Loose | null;
    if (m === null || typeof m !== 'object' || typeof m.content !== 'string' || typeof m.role !== 'string')
      return undefined;
    if (m.role === 'tool' || m.role === 'function' || m.tool_calls !== undefined) return undefined;
    out += `${i === 0 ? '' : ','}{"role":${JSON.stringify(m.role)},"parts":[{"type":"text","content":${JSON.stringify(m.content)}}]}`;
  }
  return `${out}]`;
}

/** `gen_ai.output.messages` straight to JSON for plain text answers (no tool calls, refusal or reasoning). */
function plainTextChoicesJson(choices: Loose[]): string | undefined {
  let out = '[';
  for (let i = 0; i < choices.length; i++) {
    const choice = choices[i]!;
    const m = choice.message as Loose | undefined;
    if (
      m === undefined ||
      m === null ||
      typeof m.content !== 'string' ||
      m.tool_calls !== undefined ||
      m.reasoning_content !== undefined ||
      (m.refusal !== undefined && m.refusal !== null)
    )
      return undefined;
    const finish =
      typeof choice.finish_reason === 'string' ? `,"finish_reason":${JSON.stringify(choice.finish_reason)}` : '';
    out += `${i === 0 ? '' : ','}{"role":${JSON.stringify(typeof m.role === 'string' ? m.role : 'assistant')},"parts":[{"type":"text","content":${JSON.stringify(m.content)}}]${finish}}`;
  }
  return `${out}]`;
}

/** Accumulates a streamed response; `observe` returns false for a chunk the caller must not see. */
export interface StreamAccumulator {
  observe(chunk: unknown): boolean;
  attributes(captureMessages: boolean): Attributes;
}

/** How one provider's API maps onto the GenAI conventions. */
export interface ProviderAdapter {
  readonly operation: 'chat';
  /** May rewrite the request (a copy, never the caller's object): OpenAI streams get `stream_options.include_usage`. */
  prepareRequest(body: Loose, injectStreamUsage: boolean): { body: Loose; injectedUsage: boolean };
  /** Writes into `out` when given (and returns it). */
  requestAttributes(body: Loose, captureMessages: boolean, out?: Attributes): Attributes;
  responseAttributes(response: unknown, captureMessages: boolean): Attributes;
  streamAccumulator(injectedUsage: boolean): StreamAccumulator;
}

// ----------------------------------------------------------------------------------------------------------------
// OpenAI chat completions and every OpenAI-compatible endpoint.
// ----------------------------------------------------------------------------------------------------------------

function openAiUsage(out: Attributes, usage: unknown): void {
  if (!isRecord(usage)) return;
  setNumber(out, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.prompt_tokens);
  setNumber(out, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.completion_tokens);
  const details = usage.prompt_tokens_details;
  if (isRecord(details)) setNumber(out, A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, details.cached_tokens);
  // DeepSeek reports its context cache this way.
  setNumber(out, A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.prompt_cache_hit_tokens);
}

export const OPENAI_CHAT_ADAPTER: ProviderAdapter = {
  operation: 'chat',
  prepareRequest(body, injectStreamUsage) {
    const streamOptions = isRecord(body.stream_options) ? body.stream_options : undefined;
    if (body.stream !== true || !injectStreamUsage || streamOptions?.include_usage !== undefined)
      return { body, injectedUsage: false };
    return { body: { ...body, stream_options: { ...streamOptions, include_usage: true } }, injectedUsage: true };
  },
  requestAttributes(body, captureMessages, out: Attributes = {}) {
    out[A.ATTR_GEN_AI_OPERATION_NAME] = 'chat';
    setString(out, A.ATTR_GEN_AI_REQUEST_MODEL, body.model);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_completion_tokens ?? body.max_tokens);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, body.frequency_penalty);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, body.presence_penalty);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_SEED, body.seed);
    if (typeof body.n === 'number' && body.n !== 1) out[A.ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = body.n;
    if (typeof body.stop === 'string') out[A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = [body.stop];
    else if (Array.isArray(body.stop)) out[A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = body.stop.map(String);
    const format = isRecord(body.response_format) ? body.response_format.type : undefined;
    if (format === 'json_object' || format === 'json_schema') out[A.ATTR_GEN_AI_OUTPUT_TYPE] = 'json';
    else if (format === 'text') out[A.ATTR_GEN_AI_OUTPUT_TYPE] = 'text';
    if (captureMessages) {
      out[A.ATTR_GEN_AI_INPUT_MESSAGES] =
        plainTextMessagesJson(body.messages) ?? json(openAiInputMessages(body.messages));
      if (Array.isArray(body.tools) && body.tools.length > 0)
        out[A.ATTR_GEN_AI_TOOL_DEFINITIONS] = json(openAiToolDefinitions(body.tools));
    }
    return out;
  },
  responseAttributes(response, captureMessages) {
    const out: Attributes = {};
    if (!isRecord(response)) return out;
    setString(out, A.ATTR_GEN_AI_RESPONSE_ID, response.id);
    setString(out, A.ATTR_GEN_AI_RESPONSE_MODEL, response.model);
    const choices = Array.isArray(response.choices) ? response.choices.filter(isRecord) : [];
    out[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = choices.map((c) =>
      typeof c.finish_reason === 'string' ? c.finish_reason : '',
    );
    openAiUsage(out, response.usage);
    if (captureMessages)
      out[A.ATTR_GEN_AI_OUTPUT_MESSAGES] = plainTextChoicesJson(choices) ?? json(openAiOutputMessages(choices));
    return out;
  },
  streamAccumulator: (injectedUsage) => new OpenAiStreamAccumulator(injectedUsage),
};

interface ChoiceDraft {
  role: string;
  content: string;
  reasoning: string;
  finishReason: string | undefined;
  toolCalls: { id?: string; name: string; arguments: string }[];
}

class OpenAiStreamAccumulator implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private usage: unknown;
  private readonly choices = new Map<number, ChoiceDraft>();

  private readonly injectedUsage: boolean;

  constructor(injectedUsage: boolean) {
    this.injectedUsage = injectedUsage;
  }

  observe(chunk: unknown): boolean {
    if (!isRecord(chunk)) return true;
    if (typeof chunk.id === 'string' && chunk.id !== '') this.id ??= chunk.id;
    if (typeof chunk.model === 'string' && chunk.model !== '') this.model ??= chunk.model;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : undefined;
    if (isRecord(chunk.usage)) this.usage = chunk.usage;
    for (const choice of choices ?? []) if (isRecord(choice)) this.addChoice(choice);
    if (this.injectedUsage) {
      // The caller did not ask for usage: hide the usage-only chunk and the `usage: null` the option adds.
      if (choices !== undefined && choices.length === 0 && isRecord(chunk.usage)) return false;
      if (chunk.usage === null) delete chunk.usage;
    }
    return true;
  }

  private addChoice(choice: Loose): void {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    let draft = this.choices.get(index);
    if (draft === undefined) {
      draft = { role: 'assistant', content: '', reasoning: '', finishReason: undefined, toolCalls: [] };
      this.choices.set(index, draft);
    }
    if (typeof choice.finish_reason === 'string') draft.finishReason = choice.finish_reason;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    if (typeof delta.role === 'string') draft.role = delta.role;
    if (typeof delta.content === 'string') draft.content += delta.content;
    if (typeof delta.reasoning_content === 'string') draft.reasoning += delta.reasoning_content;
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls.filter(isRecord)) {
        const at = typeof call.index === 'number' ? call.index : draft.toolCalls.length;
        const fn = isRecord(call.function) ? call.function : {};
        const tool = (draft.toolCalls[at] ??= { name: '', arguments: '' });
        if (typeof call.id === 'string') tool.id = call.id;
        if (typeof fn.name === 'string') tool.name += fn.name;
        if (typeof fn.arguments === 'string') tool.arguments += fn.arguments;
      }
    }
  }

  attributes(captureMessages: boolean): Attributes {
    const out: Attributes = {};
    setString(out, A.ATTR_GEN_AI_RESPONSE_ID, this.id);
    setString(out, A.ATTR_GEN_AI_RESPONSE_MODEL, this.model);
    const drafts = [...this.choices.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d);
    out[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = drafts.map((d) => d.finishReason ?? '');
    openAiUsage(out, this.usage);
    if (captureMessages) {
      const choices = drafts.map((d) => ({
        finish_reason: d.finishReason,
        message: {
          role: d.role,
          content: d.content === '' && d.toolCalls.length > 0 ? null : d.content,
          reasoning_content: d.reasoning,
          tool_calls: d.toolCalls
            .filter(Boolean)
            .map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })),
        },
      }));
      out[A.ATTR_GEN_AI_OUTPUT_MESSAGES] = json(openAiOutputMessages(choices));
    }
    return out;
  }
}

// ----------------------------------------------------------------------------------------------------------------
// Anthropic messages.
// ----------------------------------------------------------------------------------------------------------------

/** GenAI convention: `input_tokens` counts every input token, cached or not; the cache counts are given beside it. */
function anthropicUsage(out: Attributes, usage: unknown): void {
  if (!isRecord(usage)) return;
  const read = typeof usage.cache_read_input_tokens === 'number' ? usage.cache_read_input_tokens : 0;
  const created = typeof usage.cache_creation_input_tokens === 'number' ? usage.cache_creation_input_tokens : 0;
  if (typeof usage.input_tokens === 'number')
    out[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.input_tokens + read + created;
  setNumber(out, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.output_tokens);
  if (read > 0) out[A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = read;
  if (created > 0) out[A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = created;
}

export const ANTHROPIC_MESSAGES_ADAPTER: ProviderAdapter = {
  operation: 'chat',
  prepareRequest: (body) => ({ body, injectedUsage: false }),
  requestAttributes(body, captureMessages, out: Attributes = {}) {
    out[A.ATTR_GEN_AI_OPERATION_NAME] = 'chat';
    setString(out, A.ATTR_GEN_AI_REQUEST_MODEL, body.model);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_MAX_TOKENS, body.max_tokens);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_TEMPERATURE, body.temperature);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_TOP_P, body.top_p);
    setNumber(out, A.ATTR_GEN_AI_REQUEST_TOP_K, body.top_k);
    if (Array.isArray(body.stop_sequences)) out[A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = body.stop_sequences.map(String);
    if (captureMessages) {
      out[A.ATTR_GEN_AI_INPUT_MESSAGES] = json(anthropicInputMessages(body.messages));
      if (body.system !== undefined)
        out[A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = json(anthropicSystemInstructions(body.system));
      if (Array.isArray(body.tools) && body.tools.length > 0)
        out[A.ATTR_GEN_AI_TOOL_DEFINITIONS] = json(anthropicToolDefinitions(body.tools));
    }
    return out;
  },
  responseAttributes(response, captureMessages) {
    const out: Attributes = {};
    if (!isRecord(response)) return out;
    setString(out, A.ATTR_GEN_AI_RESPONSE_ID, response.id);
    setString(out, A.ATTR_GEN_AI_RESPONSE_MODEL, response.model);
    out[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [typeof response.stop_reason === 'string' ? response.stop_reason : ''];
    anthropicUsage(out, response.usage);
    if (captureMessages) out[A.ATTR_GEN_AI_OUTPUT_MESSAGES] = json(anthropicOutputMessages(response));
    return out;
  },
  streamAccumulator: () => new AnthropicStreamAccumulator(),
};

class AnthropicStreamAccumulator implements StreamAccumulator {
  private message: Loose = { role: 'assistant', content: [] };
  private readonly usage: Loose = {};
  private readonly partialJson = new Map<number, string>();

  observe(event: unknown): boolean {
    if (!isRecord(event)) return true;
    switch (event.type) {
      case 'message_start':
        if (isRecord(event.message)) {
          this.message = { ...event.message, content: [] };
          if (isRecord(event.message.usage)) Object.assign(this.usage, event.message.usage);
        }
        break;
      case 'content_block_start':
        if (typeof event.index === 'number' && isRecord(event.content_block))
          (this.message.content as unknown[])[event.index] = { ...event.content_block };
        break;
      case 'content_block_delta': {
        const index = typeof event.index === 'number' ? event.index : -1;
        const block = (this.message.content as Loose[])[index];
        const delta = isRecord(event.delta) ? event.delta : {};
        if (block === undefined) break;
        if (delta.type === 'text_delta') block.text = String(block.text ?? '') + String(delta.text ?? '');
        else if (delta.type === 'thinking_delta')
          block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
        else if (delta.type === 'input_json_delta')
          this.partialJson.set(index, (this.partialJson.get(index) ?? '') + String(delta.partial_json ?? ''));
        break;
      }
      case 'content_block_stop': {
        const index = typeof event.index === 'number' ? event.index : -1;
        const block = (this.message.content as Loose[])[index];
        const partial = this.partialJson.get(index);
        if (block !== undefined && partial !== undefined && partial !== '') {
          try {
            block.input = JSON.parse(partial);
          } catch {
            block.input = partial;
          }
        }
        break;
      }
      case 'message_delta':
        if (isRecord(event.delta) && typeof event.delta.stop_reason === 'string')
          this.message.stop_reason = event.delta.stop_reason;
        if (isRecord(event.usage)) {
          for (const [key, value] of Object.entries(event.usage))
            if (value !== null && value !== undefined) this.usage[key] = value;
        }
        break;
    }
    return true;
  }

  attributes(captureMessages: boolean): Attributes {
    return ANTHROPIC_MESSAGES_ADAPTER.responseAttributes(
      { ...this.message, usage: this.usage, content: (this.message.content as unknown[]).filter(Boolean) },
      captureMessages,
    );
  }
}

/** `gen_ai.provider.name` from a client's base URL (`openai` for unknown OpenAI-compatible endpoints). */
export function providerFromBaseUrl(baseUrl: string | undefined, fallback: string): string {
  if (baseUrl === undefined) return fallback;
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return fallback;
  }
  const known: [RegExp, string][] = [
    [/(^|\.)deepseek\.com$/, 'deepseek'],
    [/(^|\.)openai\.azure\.com$/, 'azure.ai.openai'],
    [/(^|\.)api\.openai\.com$/, 'openai'],
    [/(^|\.)anthropic\.com$/, 'anthropic'],
    [/(^|\.)groq\.com$/, 'groq'],
    [/(^|\.)mistral\.ai$/, 'mistral_ai'],
    [/(^|\.)x\.ai$/, 'x_ai'],
    [/(^|\.)perplexity\.ai$/, 'perplexity'],
    [/(^|\.)generativelanguage\.googleapis\.com$/, 'gcp.gemini'],
  ];
  for (const [pattern, name] of known) if (pattern.test(host)) return name;
  return fallback;
}

/** `server.address` / `server.port` from a base URL. */
export function serverAttributes(baseUrl: string | undefined): Attributes {
  if (baseUrl === undefined) return {};
  try {
    const url = new URL(baseUrl);
    const out: Attributes = { [A.ATTR_SERVER_ADDRESS]: url.hostname.replace(/^\[|\]$/g, '') };
    const port =
      url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
    if (port !== undefined) out[A.ATTR_SERVER_PORT] = port;
    return out;
  } catch {
    return {};
  }
}

export type { GenAiMessage, AttributeValue };
