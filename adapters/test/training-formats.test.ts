import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { SpanRow } from '@tradetrace/storage';
import {
  tripletsFromSpans,
  writeAgentLightning,
  writeOpenAiChat,
  writeOpenAiDpo,
  writePreferencePairs,
  type Triplet,
  type TrainingExportStats,
} from '../src/index.ts';
import { OPENAI_CHAT_LINE_SCHEMA, OPENAI_DPO_LINE_SCHEMA } from './support/openai-fine-tuning-schemas.ts';
import { collect } from './support/both-engines.ts';
import { decideSpan, hexId, llmSpan, SECOND, span, T0 } from './support/span-builders.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validChat = ajv.compile(OPENAI_CHAT_LINE_SCHEMA);
const validDpo = ajv.compile(OPENAI_DPO_LINE_SCHEMA);
const folder = mkdtempSync(join(tmpdir(), 'tt-training-'));

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function expectValid(validate: typeof validChat, records: unknown[]) {
  for (const record of records)
    if (!validate(record)) throw new Error(`${JSON.stringify(record)}: ${JSON.stringify(validate.errors)}`);
}

interface Decision {
  id: string;
  reward: number;
  input?: unknown;
  output: unknown;
  system?: unknown;
  tools?: unknown;
  failed?: boolean;
}

/** One LLM decision per entry, with its reward; GenAI messages as the SDK records them. */
function spansOf(decisions: readonly Decision[]): SpanRow[] {
  return decisions.flatMap((d, i) => {
    const traceId = hexId(32);
    const at = T0 + BigInt(i) * 60n * SECOND;
    const decide = decideSpan({ traceId, at, decisionId: d.id });
    if (d.failed) Object.assign(decide, { StatusCode: 'Error', StatusMessage: 'model timed out' });
    return [
      decide,
      llmSpan({
        traceId,
        parentSpanId: decide.SpanId,
        at: at + 1n,
        attributes: {
          'gen_ai.input.messages': JSON.stringify(
            d.input ?? [{ role: 'user', parts: [{ type: 'text', content: 'RSI 27.5: buy/sell/hold?' }] }],
          ),
          'gen_ai.output.messages': JSON.stringify(d.output),
          ...(d.system === undefined ? {} : { 'gen_ai.system_instructions': JSON.stringify(d.system) }),
          ...(d.tools === undefined ? {} : { 'gen_ai.tool.definitions': JSON.stringify(d.tools) }),
        },
      }),
      span({
        traceId: hexId(32),
        at: at + 3600n * SECOND,
        attributes: {
          'trading.operation.name': 'reward',
          'trading.decision.id': d.id,
          'trading.reward.value': d.reward,
        },
      }),
    ];
  });
}

const answer = (text: string) => [{ role: 'assistant', parts: [{ type: 'text', content: text }] }];
const triplets = (decisions: readonly Decision[]) => collect(tripletsFromSpans({ spans: spansOf(decisions) }));
async function* stream(items: readonly Triplet[]) {
  yield* items;
}
const newStats = (): TrainingExportStats => ({ failed: 0, invalid: {} });

const PRICE_TOOL = {
  type: 'function',
  name: 'get_price',
  description: 'Last price of a symbol',
  parameters: { type: 'object', properties: { symbol: { type: 'string' } } },
};

/** A whole tool-using conversation as the SDK records it from Anthropic: system apart, reasoning, a tool round. */
const TOOL_CONVERSATION: Decision = {
  id: 'tools',
  reward: 2,
  system: [{ type: 'text', content: 'You trade SOL.' }],
  tools: [PRICE_TOOL],
  input: [
    { role: 'user', parts: [{ type: 'text', content: 'Buy, sell or hold SOL?' }] },
    {
      role: 'assistant',
      parts: [
        { type: 'reasoning', content: 'I need the price' },
        { type: 'tool_call', id: 'toolu_1', name: 'get_price', arguments: { symbol: 'SOL' } },
      ],
    },
    { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_1', response: { price: 142.5 } }] },
  ],
  output: [
    {
      role: 'assistant',
      parts: [
        { type: 'reasoning', content: 'RSI is oversold, so' },
        { type: 'text', content: 'buy' },
      ],
      finish_reason: 'end_turn',
    },
  ],
};

describe('writeOpenAiChat', () => {
  it('maps system instructions, tool calls, tool results and tools exactly, and never writes reasoning', async () => {
    const file = join(folder, 'chat-tools.jsonl');
    expect(await writeOpenAiChat(stream(await triplets([TOOL_CONVERSATION])), file)).toBe(1);
    const [line] = lines(file);
    expect(line).toEqual({
      messages: [
        { role: 'system', content: 'You trade SOL.' },
        { role: 'user', content: 'Buy, sell or hold SOL?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_price', arguments: '{"symbol":"SOL"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '{"price":142.5}' },
        { role: 'assistant', content: 'buy' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_price', description: 'Last price of a symbol', parameters: PRICE_TOOL.parameters },
        },
      ],
    });
    expectValid(validChat, [line]);
  });

  it('keeps an answer that is a tool call, its arguments as JSON text, ids made up in order when not recorded', async () => {
    const file = join(folder, 'chat-call.jsonl');
    const decision: Decision = {
      id: 'call',
      reward: 1,
      output: [{ role: 'assistant', parts: [{ type: 'tool_call', name: 'get_price', arguments: { symbol: 'ETH' } }] }],
    };
    expect(await writeOpenAiChat(stream(await triplets([decision])), file)).toBe(1);
    const [line] = lines(file);
    expect((line!.messages as unknown[]).at(-1)).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_price', arguments: '{"symbol":"ETH"}' } }],
    });
    expectValid(validChat, [line]);
  });

  it('skips and counts the lines the format cannot hold, and the failed decisions unless asked for', async () => {
    const file = join(folder, 'chat-skips.jsonl');
    const stats = newStats();
    const decisions = await triplets([
      { id: 'ok', reward: 1, output: answer('hold') },
      {
        id: 'image',
        reward: 1,
        output: answer('buy'),
        input: [{ role: 'user', parts: [{ type: 'blob', modality: 'image' }] }],
      },
      { id: 'empty', reward: 1, output: [{ role: 'assistant', parts: [{ type: 'reasoning', content: 'hmm' }] }] },
      { id: 'failed', reward: 1, output: answer('sell'), failed: true },
    ]);
    expect(decisions.find((t) => t.decision_id === 'failed')!.decision.error).toEqual({
      type: '_OTHER',
      message: 'model timed out',
    });
    expect(await writeOpenAiChat(stream(decisions), file, { stats })).toBe(1);
    expect(stats.failed).toBe(1);
    expect(Object.values(stats.invalid).reduce((a, b) => a + b, 0)).toBe(2);
    expect(Object.keys(stats.invalid)).toContain('a blob part has no text form');
    expectValid(validChat, lines(file));
    expect(await writeOpenAiChat(stream(decisions), join(folder, 'chat-all.jsonl'), { includeFailed: true })).toBe(2);
  });
});

describe('writeAgentLightning', () => {
  it('carries the failure in metadata when failed decisions are asked for, and leaves them out otherwise', async () => {
    const decisions = await triplets([
      { id: 'ok', reward: 1, output: answer('hold') },
      { id: 'failed', reward: -1, output: answer('sell'), failed: true },
    ]);
    const file = join(folder, 'al.jsonl');
    expect(await writeAgentLightning(stream(decisions), file)).toBe(1);
    expect(await writeAgentLightning(stream(decisions), file, { includeFailed: true })).toBe(2);
    expect(lines(file)[1]!.metadata).toMatchObject({ error: { type: '_OTHER', message: 'model timed out' } });
  });

  it('gives a rule decision (no LLM call) its context and symbol as prompt, its action as response (docs/triplets.md)', async () => {
    const decide = decideSpan({
      traceId: hexId(32),
      at: T0,
      decisionId: 'rule-1',
      symbol: 'SOL/USDC',
      price: 142.5,
      attributes: { 'trading.decision.confidence': 0.6, 'trading.decision.size': 2, 'trading.context.rsi_14': 27.5 },
    });
    const decisions = await collect(tripletsFromSpans({ spans: [decide] }));
    const file = join(folder, 'al-rule.jsonl');
    expect(await writeAgentLightning(stream(decisions), file)).toBe(1);
    expect(lines(file)[0]).toMatchObject({
      prompt: { context: { price: 142.5, rsi_14: 27.5 }, symbol: 'SOL/USDC' },
      response: { action: 'buy', confidence: 0.6, size: 2 },
    });
  });
});

describe('preference pairs', () => {
  const other = [{ role: 'user', parts: [{ type: 'text', content: 'RSI 71: buy/sell/hold?' }] }];
  const decisions = [
    { id: 'a', reward: 3, output: answer('buy') },
    { id: 'b', reward: -1, output: answer('sell') },
    { id: 'c', reward: -2, output: answer('buy') },
    { id: 'd', reward: 2.95, output: answer('hold') },
    { id: 'x', reward: -5, output: answer('hold'), input: other },
    { id: 'failed', reward: -9, output: answer('hold'), failed: true },
  ];

  it('pair only answers to the same prompt, never identical answers, the better by more than the margin chosen', async () => {
    const file = join(folder, 'pairs.jsonl');
    expect(await writePreferencePairs(stream(await triplets(decisions)), file, { minMargin: 0.1 })).toBe(1);
    expect(lines(file)).toEqual([
      {
        prompt: [{ role: 'user', content: 'RSI 27.5: buy/sell/hold?' }],
        chosen: [{ role: 'assistant', content: 'buy' }],
        rejected: [{ role: 'assistant', content: 'sell' }],
        chosen_reward: 3,
        rejected_reward: -1,
        chosen_decision_id: 'a',
        rejected_decision_id: 'b',
      },
    ]);
  });

  it("write OpenAI's preference format, every line valid, with tools and system instructions", async () => {
    const file = join(folder, 'dpo.jsonl');
    const withTools = [TOOL_CONVERSATION, { ...TOOL_CONVERSATION, id: 'tools-2', reward: -1, output: answer('sell') }];
    expect(await writeOpenAiDpo(stream(await triplets([...decisions, ...withTools])), file)).toBe(3);
    const records = lines(file);
    expectValid(validDpo, records);
    expect(records.at(-1)).toMatchObject({
      input: { messages: [{ role: 'system', content: 'You trade SOL.' }, {}, {}, {}], tools: [{ type: 'function' }] },
      preferred_output: [{ role: 'assistant', content: 'buy' }],
      non_preferred_output: [{ role: 'assistant', content: 'sell' }],
    });
  });
});
