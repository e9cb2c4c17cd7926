/**
 * JSON Schemas of OpenAI's fine-tuning line formats, written from OpenAI's documentation — not from this code — so
 * that the exports are checked against the format itself:
 * - supervised chat: the `FineTuneChatRequestInput` schema of the API reference (messages: system, user, assistant,
 *   tool; assistant `content` required unless `tool_calls` is given; `tool_calls[]` = `{ id, type: "function",
 *   function: { name, arguments } }` with arguments as a JSON string; tool messages `{ role: "tool", content,
 *   tool_call_id }`; `tools[]` = `{ type: "function", function: { name, description?, parameters? } }`), and the
 *   guide's examples (https://platform.openai.com/docs/guides/supervised-fine-tuning, function calling section).
 * - preference (DPO): https://platform.openai.com/docs/guides/direct-preference-optimization — `{ input: { messages,
 *   tools?, parallel_tool_calls? }, preferred_output: [assistant message], non_preferred_output: [assistant
 *   message] }`; "we only train on one-turn conversations for each example, where the preferred and non-preferred
 *   messages need to be the last assistant message".
 */
const textContent = {
  anyOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['type', 'text'],
        properties: { type: { const: 'text' }, text: { type: 'string' } },
        additionalProperties: false,
      },
    },
  ],
};

const toolCall = {
  type: 'object',
  required: ['id', 'type', 'function'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1 },
    type: { const: 'function' },
    function: {
      type: 'object',
      required: ['name', 'arguments'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1 }, arguments: { type: 'string' } },
    },
  },
};

const systemMessage = {
  type: 'object',
  required: ['role', 'content'],
  additionalProperties: false,
  properties: { role: { const: 'system' }, content: textContent, name: { type: 'string' } },
};
const userMessage = {
  type: 'object',
  required: ['role', 'content'],
  additionalProperties: false,
  properties: { role: { const: 'user' }, content: textContent, name: { type: 'string' } },
};
const assistantMessage = {
  type: 'object',
  required: ['role'],
  additionalProperties: false,
  properties: {
    role: { const: 'assistant' },
    content: { anyOf: [textContent, { type: 'null' }] },
    refusal: { type: ['string', 'null'] },
    name: { type: 'string' },
    tool_calls: { type: 'array', minItems: 1, items: toolCall },
    weight: { enum: [0, 1] },
  },
  // "content: Required unless tool_calls or function_call is specified."
  anyOf: [{ required: ['tool_calls'] }, { required: ['content'], properties: { content: textContent } }],
};
const toolMessage = {
  type: 'object',
  required: ['role', 'content', 'tool_call_id'],
  additionalProperties: false,
  properties: { role: { const: 'tool' }, content: textContent, tool_call_id: { type: 'string', minLength: 1 } },
};
const message = { oneOf: [systemMessage, userMessage, assistantMessage, toolMessage] };

const tool = {
  type: 'object',
  required: ['type', 'function'],
  additionalProperties: false,
  properties: {
    type: { const: 'function' },
    function: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
        description: { type: 'string' },
        parameters: { type: 'object' },
        strict: { type: ['boolean', 'null'] },
      },
    },
  },
};

export const OPENAI_CHAT_LINE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    messages: { type: 'array', minItems: 1, items: message },
    tools: { type: 'array', items: tool },
    parallel_tool_calls: { type: 'boolean' },
  },
};

export const OPENAI_DPO_LINE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['input', 'preferred_output', 'non_preferred_output'],
  additionalProperties: false,
  properties: {
    input: {
      type: 'object',
      required: ['messages'],
      additionalProperties: false,
      properties: {
        messages: { type: 'array', minItems: 1, items: message },
        tools: { type: 'array', items: tool },
        parallel_tool_calls: { type: 'boolean' },
      },
    },
    preferred_output: { type: 'array', minItems: 1, maxItems: 1, items: assistantMessage },
    non_preferred_output: { type: 'array', minItems: 1, maxItems: 1, items: assistantMessage },
  },
};
