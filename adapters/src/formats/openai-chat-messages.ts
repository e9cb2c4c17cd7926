import { z } from 'zod';
import type { LlmCall } from '../triplet.ts';

/**
 * OpenAI's chat fine-tuning format (https://platform.openai.com/docs/guides/supervised-fine-tuning and the
 * `FineTuneChatRequestInput` schema of its API reference): system, user, assistant (text and/or `tool_calls`) and
 * tool (`tool_call_id`) messages, and the function `tools` offered.
 */
const ToolCallSchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string() }),
});
const AssistantMessageSchema = z
  .strictObject({
    role: z.literal('assistant'),
    content: z.string().nullable(),
    tool_calls: z.array(ToolCallSchema).min(1).optional(),
  })
  .refine((m) => (m.content !== null && m.content !== '') || m.tool_calls !== undefined, 'an empty assistant message');
export const OpenAiMessageSchema = z.union([
  z.strictObject({ role: z.literal('system'), content: z.string().min(1) }),
  z.strictObject({ role: z.literal('user'), content: z.string().min(1) }),
  AssistantMessageSchema,
  z.strictObject({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: z.string() }),
]);
export type OpenAiMessage = z.infer<typeof OpenAiMessageSchema>;
export type OpenAiAssistantMessage = z.infer<typeof AssistantMessageSchema>;
export const OpenAiToolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type OpenAiTool = z.infer<typeof OpenAiToolSchema>;

/** A conversation in OpenAI's shape: the prompt (system instructions first) and the answer the model gave. */
export interface RenderedCall {
  prompt: OpenAiMessage[];
  answer: OpenAiAssistantMessage;
  tools: OpenAiTool[];
}

/** Why a call cannot be rendered in OpenAI's format; the line is skipped and counted under this reason. */
export class UnrenderableCall extends Error {}

type Loose = Record<string, unknown>;
const isRecord = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const jsonText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

/**
 * Renders an LLM call's GenAI messages (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`,
 * `gen_ai.tool.definitions`) as OpenAI chat messages. Text parts become `content`; `tool_call` parts an assistant's
 * `tool_calls` (arguments as JSON text); `tool_call_response` parts `tool` messages answering their call by id (by
 * order when the ids were not recorded); reasoning parts are dropped (the format has no place for them, and reasoning
 * glued into `content` would teach the model to answer with it). Messages recorded in OpenAI's own shape (`content`,
 * `tool_calls`, `tool_call_id`) pass through. The answer is the first output message (the first choice).
 */
export function renderCall(call: LlmCall): RenderedCall {
  const calls = new CallIds();
  const prompt: OpenAiMessage[] = [];
  const system = textOfParts(asParts(call.system_instructions));
  if (system !== '') prompt.push({ role: 'system', content: system });
  for (const message of asMessages(call.input_messages)) prompt.push(...renderMessage(message, calls));
  const output = asMessages(call.output_messages)[0];
  if (output === undefined) throw new UnrenderableCall('no output message');
  const rendered = renderMessage({ ...output, role: 'assistant' }, calls);
  const answer = rendered[0];
  if (rendered.length !== 1 || answer?.role !== 'assistant')
    throw new UnrenderableCall('the answer is no assistant message');
  return { prompt, answer, tools: renderTools(call.tool_definitions) };
}

/** Tool call ids of one conversation: the recorded ones, or made up in order when missing. */
class CallIds {
  private unanswered: string[] = [];
  private made = 0;
  request(id: unknown): string {
    const known = typeof id === 'string' && id !== '' ? id : `call_${(this.made += 1)}`;
    this.unanswered.push(known);
    return known;
  }
  response(id: unknown): string {
    const known = typeof id === 'string' && id !== '' ? id : this.unanswered[0];
    if (known === undefined) throw new UnrenderableCall('a tool response answers no tool call');
    this.unanswered = this.unanswered.filter((x) => x !== known);
    return known;
  }
}

function renderMessage(message: Loose, calls: CallIds): OpenAiMessage[] {
  const role = message.role === 'developer' ? 'system' : message.role;
  if (!Array.isArray(message.parts)) return [openAiShaped(message, role, calls)];
  const text: string[] = [];
  const toolCalls: NonNullable<OpenAiAssistantMessage['tool_calls']> = [];
  const toolMessages: OpenAiMessage[] = [];
  for (const part of message.parts.filter(isRecord)) {
    switch (part.type) {
      case 'text':
        text.push(String(part.content ?? ''));
        break;
      case 'reasoning':
        break;
      case 'tool_call':
        toolCalls.push({
          id: calls.request(part.id),
          type: 'function',
          function: { name: String(part.name ?? ''), arguments: jsonText(part.arguments ?? {}) },
        });
        break;
      case 'tool_call_response':
        toolMessages.push({ role: 'tool', tool_call_id: calls.response(part.id), content: jsonText(part.response) });
        break;
      default:
        throw new UnrenderableCall(`a ${String(part.type)} part has no text form`);
    }
  }
  const content = text.join('');
  if (role === 'assistant') {
    const assistant: OpenAiAssistantMessage = { role, content: content === '' ? null : content };
    if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
    return [...toolMessages, assistant];
  }
  if (toolCalls.length > 0) throw new UnrenderableCall(`a ${String(role)} message calls tools`);
  if (content === '') return toolMessages;
  if (role === 'system' || role === 'user') return [...toolMessages, { role, content }];
  throw new UnrenderableCall(`role ${String(role)}`);
}

/** A message recorded in OpenAI's shape rather than GenAI parts. */
function openAiShaped(message: Loose, role: unknown, calls: CallIds): OpenAiMessage {
  const content = typeof message.content === 'string' ? message.content : null;
  if (role === 'tool') return { role, tool_call_id: calls.response(message.tool_call_id), content: content ?? '' };
  if (role === 'assistant') {
    const assistant: OpenAiAssistantMessage = { role, content };
    if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)
      assistant.tool_calls = message.tool_calls.filter(isRecord).map((c) => {
        const fn = isRecord(c.function) ? c.function : {};
        return {
          id: calls.request(c.id),
          type: 'function' as const,
          function: { name: String(fn.name ?? ''), arguments: jsonText(fn.arguments ?? '{}') },
        };
      });
    return assistant;
  }
  if ((role === 'system' || role === 'user') && content !== null) return { role, content };
  throw new UnrenderableCall(`a ${String(role)} message without text`);
}

function asMessages(value: unknown): Loose[] {
  if (typeof value === 'string' && value !== '') return [{ role: 'user', content: value }];
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function asParts(value: unknown): Loose[] {
  if (typeof value === 'string') return [{ type: 'text', content: value }];
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function textOfParts(parts: Loose[]): string {
  return parts
    .filter((p) => p.type === 'text')
    .map((p) => String(p.content ?? ''))
    .join('');
}

/** `gen_ai.tool.definitions` (`{ type, name, description?, parameters? }`) as OpenAI function tools. */
function renderTools(definitions: unknown): OpenAiTool[] {
  if (!Array.isArray(definitions)) return [];
  return definitions
    .filter(isRecord)
    .filter((d) => (d.type ?? 'function') === 'function' && typeof d.name === 'string')
    .map((d) => {
      const tool: OpenAiTool = { type: 'function', function: { name: d.name as string } };
      if (typeof d.description === 'string') tool.function.description = d.description;
      if (isRecord(d.parameters)) tool.function.parameters = d.parameters;
      return tool;
    });
}
