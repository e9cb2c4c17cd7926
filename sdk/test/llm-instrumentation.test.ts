import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { semconv as A, type TradeTrace } from '@tradetrace/sdk';
import { REPLY_WORDS, startFakeLlmServer, type FakeLlmServer } from './support/fake-llm-server.ts';
import { inMemorySdk, type InMemorySdk } from './support/in-memory-sdk.ts';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer();
});
afterAll(async () => {
  await server.close();
});

let current: TradeTrace | undefined;
afterEach(async () => {
  await current?.shutdown();
  current = undefined;
});

function sdk(options = {}): InMemorySdk {
  const made = inMemorySdk(options);
  current = made.tt;
  return made;
}

const strategy = { name: 'llm-momentum', version: 'v1' };
const messages = [
  { role: 'system' as const, content: 'You trade SOL.' },
  { role: 'user' as const, content: 'Price 142.5, RSI 61. Buy, sell or hold?' },
];

const PRICE_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_price',
    description: 'Last price of a symbol',
    parameters: { type: 'object' as const, properties: { symbol: { type: 'string' } }, required: ['symbol'] },
  },
};

function openai(): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
}

function anthropic(): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL: server.url, maxRetries: 0 });
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe('openai client (chat completions)', () => {
  it('records a GenAI child span of the decision and returns the same completion as an uninstrumented client', async () => {
    const { tt, spans } = sdk();
    const client = tt.instrumentOpenAI(openai(), { provider: 'deepseek' });
    const plain = await openai().chat.completions.create({
      model: 'deepseek-chat',
      messages,
      temperature: 0.2,
      max_tokens: 50,
      seed: 7,
      stop: ['\n'],
    });
    const traced = await tt.decide({ strategy, symbol: 'SOL/USDC', kind: 'llm', id: 'd-1' }, async () => {
      const completion = await client.chat.completions.create({
        model: 'deepseek-chat',
        messages,
        temperature: 0.2,
        max_tokens: 50,
        seed: 7,
        stop: ['\n'],
      });
      expect(completion.choices[0]!.message.content).toBe('buy SOL now');
      return { action: 'buy' as const, completion };
    });
    expect({ ...traced.completion, id: plain.id }).toEqual(plain);

    const all = await spans();
    const decide = all.find((s) => s.name.startsWith('decide'))!;
    const chat = all.find((s) => s.name === 'chat deepseek-chat')!;
    expect(chat.kind).toBe(SpanKind.CLIENT);
    expect(chat.parentSpanContext?.spanId).toBe(decide.spanContext().spanId);
    expect(chat.attributes).toMatchObject({
      [A.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [A.ATTR_GEN_AI_PROVIDER_NAME]: 'deepseek',
      [A.ATTR_GEN_AI_REQUEST_MODEL]: 'deepseek-chat',
      [A.ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.2,
      [A.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 50,
      [A.ATTR_GEN_AI_REQUEST_SEED]: 7,
      [A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]: ['\n'],
      [A.ATTR_GEN_AI_RESPONSE_MODEL]: 'deepseek-chat-2026',
      [A.ATTR_GEN_AI_RESPONSE_ID]: traced.completion.id,
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 21,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 3,
      [A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 5,
      [A.ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [A.ATTR_TRADING_DECISION_ID]: 'd-1',
      [A.ATTR_TRADING_STRATEGY_VERSION]: 'v1',
    });
    expect(JSON.parse(String(chat.attributes[A.ATTR_GEN_AI_INPUT_MESSAGES]))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You trade SOL.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Price 142.5, RSI 61. Buy, sell or hold?' }] },
    ]);
    expect(JSON.parse(String(chat.attributes[A.ATTR_GEN_AI_OUTPUT_MESSAGES]))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'buy SOL now' }], finish_reason: 'stop' },
    ]);
  });

  it('guesses the provider from the base URL and keeps withResponse() working', async () => {
    const { tt, span } = sdk();
    const client = tt.instrumentOpenAI(openai());
    const { data, response } = await client.chat.completions.create({ model: 'gpt-test', messages }).withResponse();
    expect(data.choices[0]!.message.content).toBe('buy SOL now');
    expect(response.headers.get('x-request-id')).toMatch(/^req-/);
    expect((await span('chat ')).attributes[A.ATTR_GEN_AI_PROVIDER_NAME]).toBe('openai');
  });

  it('streams exactly the chunks an uninstrumented client gets, and records the token usage', async () => {
    const { tt, span } = sdk();
    const client = tt.instrumentOpenAI(openai());
    const plain = await collect(await openai().chat.completions.create({ model: 'gpt-test', messages, stream: true }));
    const before = server.requests.length;
    const traced = await collect(await client.chat.completions.create({ model: 'gpt-test', messages, stream: true }));
    const normalize = (chunks: typeof plain) => chunks.map((c) => ({ ...c, id: 'x' }));
    expect(normalize(traced)).toEqual(normalize(plain));
    expect(traced.every((c) => !('usage' in c))).toBe(true);
    expect(traced.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('buy SOL now');
    // The SDK asked for usage on the wire, without touching the caller's request object.
    expect(server.requests[before]!.body.stream_options).toEqual({ include_usage: true });

    const chat = await span('chat ');
    expect(chat.attributes).toMatchObject({
      [A.ATTR_GEN_AI_RESPONSE_ID]: traced[0]!.id,
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 21,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 3,
    });
    expect(JSON.parse(String(chat.attributes[A.ATTR_GEN_AI_OUTPUT_MESSAGES]))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'buy SOL now' }], finish_reason: 'stop' },
    ]);
  });

  it('leaves a stream alone when the caller asked for usage itself', async () => {
    const { tt, span } = sdk();
    const client = tt.instrumentOpenAI(openai());
    const request = { model: 'gpt-test', messages, stream: true as const, stream_options: { include_usage: true } };
    const plain = await collect(await openai().chat.completions.create(request));
    const traced = await collect(await client.chat.completions.create(request));
    expect(traced.map((c) => ({ ...c, id: 'x' }))).toEqual(plain.map((c) => ({ ...c, id: 'x' })));
    expect(traced.at(-1)!.usage?.completion_tokens).toBe(3);
    expect((await span('chat ')).attributes[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
  });

  it('observes tee(), toReadableStream(), an early break, and the stream() helper', async () => {
    const { tt, spans } = sdk();
    const client = tt.instrumentOpenAI(openai());

    const [left, right] = (await client.chat.completions.create({ model: 'tee', messages, stream: true })).tee();
    const [l, r] = await Promise.all([collect(left), collect(right)]);
    expect(l).toEqual(r);
    expect(l.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('buy SOL now');

    const readable = (
      await client.chat.completions.create({ model: 'readable', messages, stream: true })
    ).toReadableStream();
    const text = await new Response(readable).text();
    expect(text.trim().split('\n')).toHaveLength(REPLY_WORDS.length + 2);

    for await (const _chunk of await client.chat.completions.create({ model: 'break', messages, stream: true })) break;

    const helper = client.chat.completions.stream({ model: 'helper', messages });
    const final = await helper.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('buy SOL now');

    const byName = new Map((await spans()).map((s) => [s.name, s]));
    expect(byName.get('chat tee')?.attributes[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
    expect(byName.get('chat readable')?.attributes[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
    expect(byName.get('chat break')?.ended).toBe(true);
    expect(byName.get('chat break')?.attributes[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBeUndefined();
    expect(byName.get('chat helper')?.attributes[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
  });

  it('passes API errors through unchanged and marks the span failed', async () => {
    const { tt, span } = sdk();
    const client = tt.instrumentOpenAI(openai());
    const error = await client.chat.completions.create({ model: 'fail', messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    const chat = await span('chat fail');
    expect(chat.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat.attributes[A.ATTR_ERROR_TYPE]).toBe('400');
  });

  it('records the tools the model was offered as gen_ai.tool.definitions', async () => {
    const { tt, span } = sdk();
    const client = tt.instrumentOpenAI(openai());
    await client.chat.completions.create({ model: 'with-tools', messages, tools: [PRICE_TOOL] });
    expect(JSON.parse(String((await span('chat with-tools')).attributes[A.ATTR_GEN_AI_TOOL_DEFINITIONS]))).toEqual([
      {
        type: 'function',
        name: 'get_price',
        description: 'Last price of a symbol',
        parameters: PRICE_TOOL.function.parameters,
      },
    ]);
  });

  it('captures no prompt, response or tools when capture is off', async () => {
    const { tt, span } = sdk({ captureMessages: false });
    const client = tt.instrumentOpenAI(openai());
    await client.chat.completions.create({ model: 'private', messages, tools: [PRICE_TOOL] });
    await collect(await client.chat.completions.create({ model: 'private-stream', messages, stream: true }));
    for (const name of ['chat private', 'chat private-stream']) {
      const chat = await span(name);
      expect(chat.attributes[A.ATTR_GEN_AI_INPUT_MESSAGES]).toBeUndefined();
      expect(chat.attributes[A.ATTR_GEN_AI_OUTPUT_MESSAGES]).toBeUndefined();
      expect(chat.attributes[A.ATTR_GEN_AI_TOOL_DEFINITIONS]).toBeUndefined();
      expect(chat.attributes[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(21);
    }
  });

  it('instruments a client only once, however often it is called', async () => {
    const { tt, spans } = sdk();
    const client = tt.instrumentOpenAI(tt.instrumentOpenAI(openai()));
    await client.chat.completions.create({ model: 'once', messages });
    expect((await spans()).filter((s) => s.name === 'chat once')).toHaveLength(1);
  });
});

describe('@anthropic-ai/sdk client (messages)', () => {
  const request = {
    model: 'claude-test',
    max_tokens: 64,
    system: 'You trade SOL.',
    messages: [{ role: 'user' as const, content: 'Buy, sell or hold?' }],
    temperature: 0.1,
    top_k: 5,
  };

  it('records a GenAI span for a plain call, with cached tokens counted as input', async () => {
    const { tt, span } = sdk();
    const client = tt.instrumentAnthropic(anthropic());
    const message = await client.messages.create(request);
    const plain = await anthropic().messages.create(request);
    expect({ ...message, id: 'x' }).toEqual({ ...plain, id: 'x' });
    const chat = await span('chat claude-test');
    expect(chat.attributes).toMatchObject({
      [A.ATTR_GEN_AI_PROVIDER_NAME]: 'anthropic',
      [A.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 64,
      [A.ATTR_GEN_AI_REQUEST_TOP_K]: 5,
      [A.ATTR_GEN_AI_RESPONSE_ID]: message.id,
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['end_turn'],
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 40,
      [A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 10,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 4,
    });
    expect(JSON.parse(String(chat.attributes[A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS]))).toEqual([
      { type: 'text', content: 'You trade SOL.' },
    ]);
    await client.messages.create({
      ...request,
      model: 'claude-tools',
      tools: [{ name: 'get_price', description: 'Last price', input_schema: PRICE_TOOL.function.parameters }],
    });
    expect(JSON.parse(String((await span('chat claude-tools')).attributes[A.ATTR_GEN_AI_TOOL_DEFINITIONS]))).toEqual([
      { type: 'function', name: 'get_price', description: 'Last price', parameters: PRICE_TOOL.function.parameters },
    ]);
    expect(JSON.parse(String(chat.attributes[A.ATTR_GEN_AI_OUTPUT_MESSAGES]))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'buy SOL now' }], finish_reason: 'end_turn' },
    ]);
  });

  it('streams exactly the events an uninstrumented client gets, and records usage', async () => {
    const { tt, span } = sdk();
    const client = tt.instrumentAnthropic(anthropic());
    const plain = await collect(await anthropic().messages.create({ ...request, stream: true }));
    const traced = await collect(await client.messages.create({ ...request, stream: true }));
    const normalize = (events: typeof plain) => JSON.parse(JSON.stringify(events).replace(/msg_\d+/g, 'msg'));
    expect(normalize(traced)).toEqual(normalize(plain));
    const chat = await span('chat claude-test');
    expect(chat.attributes).toMatchObject({
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 40,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 4,
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['end_turn'],
    });
    expect(JSON.parse(String(chat.attributes[A.ATTR_GEN_AI_OUTPUT_MESSAGES]))[0].parts).toEqual([
      { type: 'text', content: 'buy SOL now' },
    ]);
  });

  it('traces the messages.stream() helper', async () => {
    const { tt, span } = sdk();
    const client = tt.instrumentAnthropic(anthropic());
    const final = await client.messages.stream(request).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'buy SOL now' }]);
    expect((await span('chat claude-test')).attributes[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(4);
  });
});

describe('traceLlmCall (any other client)', () => {
  it('wraps a call returning an OpenAI-shaped completion', async () => {
    const { tt, span } = sdk();
    const result = await tt.traceLlmCall(
      { provider: 'deepseek', request: { model: 'deepseek-chat', messages } },
      async () => ({
        id: 'resp-1',
        model: 'deepseek-chat',
        choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: 'buy' } }],
        usage: { prompt_tokens: 12, completion_tokens: 3 },
      }),
    );
    expect(result.id).toBe('resp-1');
    expect((await span('chat deepseek-chat')).attributes).toMatchObject({
      [A.ATTR_GEN_AI_PROVIDER_NAME]: 'deepseek',
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 12,
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
    });
  });
});
