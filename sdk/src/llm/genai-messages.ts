/**
 * Chat messages of OpenAI-compatible and Anthropic APIs in the provider-neutral shape of the OpenTelemetry GenAI
 * conventions (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`): a list of
 * `{ role, parts: [{ type: 'text', content } | { type: 'tool_call', id, name, arguments } | { type:
 * 'tool_call_response', id, response } | ...], finish_reason? }`. Everything here is structural: the SDK never
 * imports a provider library.
 */

export type GenAiPart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'uri'; modality?: string; uri: string }
  | { type: 'blob'; modality?: string; mime_type?: string }
  | { type: string; [key: string]: unknown };

export interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  finish_reason?: string;
}

type Loose = Record<string, unknown>;

function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

function parseJsonOr(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// ----------------------------------------------------------------------------------------------------------------
// OpenAI chat completions (also DeepSeek, Groq, Mistral, vLLM, Ollama, ... any OpenAI-compatible endpoint).
// ----------------------------------------------------------------------------------------------------------------

function openAiContentParts(content: unknown): GenAiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [{ type: 'text', content: textOf(content) }];
  return content.map((part: unknown): GenAiPart => {
    if (!isRecord(part)) return { type: 'text', content: textOf(part) };
    switch (part.type) {
      case 'text':
        return { type: 'text', content: String(part.text ?? '') };
      case 'refusal':
        return { type: 'text', content: String(part.refusal ?? '') };
      case 'image_url': {
        const url = isRecord(part.image_url) ? String(part.image_url.url ?? '') : '';
        return url.startsWith('data:')
          ? { type: 'blob', modality: 'image', mime_type: url.slice(5, url.indexOf(';')) }
          : { type: 'uri', modality: 'image', uri: url };
      }
      case 'input_audio':
        return { type: 'blob', modality: 'audio' };
      default:
        return { type: String(part.type ?? 'unknown') };
    }
  });
}

function openAiToolCalls(toolCalls: unknown): GenAiPart[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.filter(isRecord).map((call) => {
    const fn = isRecord(call.function) ? call.function : {};
    return {
      type: 'tool_call',
      id: typeof call.id === 'string' ? call.id : undefined,
      name: String(fn.name ?? ''),
      arguments: parseJsonOr(fn.arguments),
    };
  });
}

/** OpenAI request `messages` → `gen_ai.input.messages`. */
export function openAiInputMessages(messages: unknown): GenAiMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.filter(isRecord).map((message) => {
    const role = String(message.role ?? 'user');
    if (role === 'tool' || role === 'function') {
      return {
        role: 'tool',
        parts: [
          {
            type: 'tool_call_response',
            id: typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined,
            response: message.content,
          },
        ],
      };
    }
    return { role, parts: [...openAiContentParts(message.content), ...openAiToolCalls(message.tool_calls)] };
  });
}

/** OpenAI response `choices` → `gen_ai.output.messages`. */
export function openAiOutputMessages(choices: unknown): GenAiMessage[] {
  if (!Array.isArray(choices)) return [];
  return choices.filter(isRecord).map((choice) => {
    const message = isRecord(choice.message) ? choice.message : {};
    const parts: GenAiPart[] = [];
    if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '')
      parts.push({ type: 'reasoning', content: message.reasoning_content });
    parts.push(...openAiContentParts(message.content), ...openAiToolCalls(message.tool_calls));
    if (typeof message.refusal === 'string' && message.refusal !== '')
      parts.push({ type: 'text', content: message.refusal });
    const out: GenAiMessage = { role: String(message.role ?? 'assistant'), parts };
    if (typeof choice.finish_reason === 'string') out.finish_reason = choice.finish_reason;
    return out;
  });
}

// ----------------------------------------------------------------------------------------------------------------
// Anthropic messages.
// ----------------------------------------------------------------------------------------------------------------

function anthropicBlocks(content: unknown): GenAiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [{ type: 'text', content: textOf(content) }];
  return content.map((block: unknown): GenAiPart => {
    if (!isRecord(block)) return { type: 'text', content: textOf(block) };
    switch (block.type) {
      case 'text':
        return { type: 'text', content: String(block.text ?? '') };
      case 'thinking':
        return { type: 'reasoning', content: String(block.thinking ?? '') };
      case 'redacted_thinking':
        return { type: 'reasoning', content: '' };
      case 'tool_use':
      case 'server_tool_use':
        return {
          type: 'tool_call',
          id: typeof block.id === 'string' ? block.id : undefined,
          name: String(block.name ?? ''),
          arguments: block.input,
        };
      case 'tool_result':
        return {
          type: 'tool_call_response',
          id: typeof block.tool_use_id === 'string' ? block.tool_use_id : undefined,
          response: block.content,
        };
      case 'image':
      case 'document': {
        const source = isRecord(block.source) ? block.source : {};
        const modality = block.type === 'image' ? 'image' : 'document';
        if (source.type === 'url') return { type: 'uri', modality, uri: String(source.url ?? '') };
        return {
          type: 'blob',
          modality,
          mime_type: typeof source.media_type === 'string' ? source.media_type : undefined,
        };
      }
      default:
        return { type: String(block.type ?? 'unknown') };
    }
  });
}

/** Anthropic request `messages` → `gen_ai.input.messages`. */
export function anthropicInputMessages(messages: unknown): GenAiMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages
    .filter(isRecord)
    .map((message) => ({ role: String(message.role ?? 'user'), parts: anthropicBlocks(message.content) }));
}

/** Anthropic request `system` → `gen_ai.system_instructions` parts. */
export function anthropicSystemInstructions(system: unknown): GenAiPart[] {
  return anthropicBlocks(system);
}

/** Anthropic response (or the message a stream assembled) → `gen_ai.output.messages`. */
export function anthropicOutputMessages(message: {
  role?: unknown;
  content?: unknown;
  stop_reason?: unknown;
}): GenAiMessage[] {
  const out: GenAiMessage = { role: String(message.role ?? 'assistant'), parts: anthropicBlocks(message.content) };
  if (typeof message.stop_reason === 'string') out.finish_reason = message.stop_reason;
  return [out];
}

// ----------------------------------------------------------------------------------------------------------------
// Tool definitions (`gen_ai.tool.definitions`): `{ type: 'function', name, description?, parameters? }`.
// ----------------------------------------------------------------------------------------------------------------

export interface GenAiToolDefinition {
  type: string;
  name: string;
  description?: string;
  parameters?: unknown;
}

function toolDefinition(type: unknown, name: unknown, description: unknown, parameters: unknown): GenAiToolDefinition {
  const tool: GenAiToolDefinition = { type: typeof type === 'string' ? type : 'function', name: String(name ?? '') };
  if (typeof description === 'string') tool.description = description;
  if (parameters !== undefined) tool.parameters = parameters;
  return tool;
}

/** OpenAI request `tools` (`{ type: 'function', function: { name, description, parameters } }`). */
export function openAiToolDefinitions(tools: unknown): GenAiToolDefinition[] {
  if (!Array.isArray(tools)) return [];
  return tools.filter(isRecord).map((tool) => {
    const fn = isRecord(tool.function) ? tool.function : tool;
    return toolDefinition(tool.type, fn.name, fn.description, fn.parameters);
  });
}

/** Anthropic request `tools` (`{ name, description, input_schema }`; server tools carry a `type`). */
export function anthropicToolDefinitions(tools: unknown): GenAiToolDefinition[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .filter(isRecord)
    .map((tool) =>
      toolDefinition(
        tool.type === undefined || tool.type === 'custom' ? 'function' : tool.type,
        tool.name,
        tool.description,
        tool.input_schema,
      ),
    );
}
