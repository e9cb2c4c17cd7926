import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  semconv as A,
  type LlmGateway,
  type LlmGatewayCall,
  type LlmGatewayOutcome,
  type TradeTrace,
} from '@tradetrace/sdk';
import { startFakeLlmServer, type FakeLlmServer } from './support/fake-llm-server.ts';
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

/** A gateway that caches every answer by request, refuses calls past `limit`, and records what it was told. */
function cachingGateway(limit = Number.POSITIVE_INFINITY) {
  const cache = new Map<string, unknown>();
  const outcomes: { call: LlmGatewayCall; outcome: LlmGatewayOutcome }[] = [];
  let sent = 0;
  const gateway: LlmGateway = {
    async before(call) {
      const key = JSON.stringify(call.request);
      if (cache.has(key)) return { cached: cache.get(key) };
      if (sent >= limit) throw new Error('LLM budget of the test reached');
      sent++;
      return undefined;
    },
    after(call, outcome) {
      outcomes.push({ call, outcome });
      if (outcome.ok && outcome.response !== undefined) cache.set(JSON.stringify(call.request), outcome.response);
    },
  };
  return { gateway, outcomes };
}

function sdk(gateway: LlmGateway): InMemorySdk {
  const made = inMemorySdk({ llmGateway: gateway });
  current = made.tt;
  return made;
}

const openai = () => new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
const request = {
  model: 'deepseek-chat',
  temperature: 0,
  messages: [{ role: 'user' as const, content: 'Price 142.5. Buy, sell or hold?' }],
};
const strategy = { name: 'llm-momentum', version: 'v1' };

describe('init({ llmGateway })', () => {
  it('answers a repeated call of an instrumented openai client from the gateway, still as a span marked cached', async () => {
    const { gateway, outcomes } = cachingGateway();
    const { tt, spans } = sdk(gateway);
    const client = tt.instrumentOpenAI(openai(), { provider: 'deepseek' });
    const before = server.requests.length;
    const answers = [];
    for (const id of ['d-1', 'd-2'])
      answers.push(
        await tt.decide({ strategy, symbol: 'SOL/USDC', kind: 'llm', id }, async () => ({
          action: 'hold' as const,
          text: (await client.chat.completions.create(request)).choices[0]!.message.content,
        })),
      );
    expect(server.requests.length - before).toBe(1);
    expect(answers.map((a) => a.text)).toEqual(['buy SOL now', 'buy SOL now']);
    expect(outcomes).toHaveLength(1);
    const llm = (await spans()).filter((s) => s.name === 'chat deepseek-chat');
    expect(llm).toHaveLength(2);
    expect(llm.map((s) => s.attributes[A.ATTR_TRADING_LLM_CACHED])).toEqual([undefined, true]);
    // The cached span keeps the answer but no token usage: no tokens were spent.
    expect(llm[0]!.attributes[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(21);
    expect(llm[1]!.attributes[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBeUndefined();
    expect(llm[1]!.attributes[A.ATTR_GEN_AI_OUTPUT_MESSAGES]).toBe(llm[0]!.attributes[A.ATTR_GEN_AI_OUTPUT_MESSAGES]);
    expect(llm[1]!.parentSpanContext?.spanId).toBe(
      (await spans())
        .find((s) => s.name.startsWith('decide') && s.attributes[A.ATTR_TRADING_DECISION_ID] === 'd-2')!
        .spanContext().spanId,
    );
  });

  it('goes through the gateway for traceLlmCall too, and a refusal rejects the call and fails its span', async () => {
    const { gateway, outcomes } = cachingGateway(1);
    const { tt, spans } = sdk(gateway);
    const client = openai();
    const call = (content: string) => {
      const body = { ...request, messages: [{ role: 'user' as const, content }] };
      return tt.traceLlmCall({ provider: 'deepseek', request: body }, () => client.chat.completions.create(body));
    };
    const before = server.requests.length;
    expect((await call('first')).choices[0]!.message.content).toBe('buy SOL now');
    expect((await call('first')).choices[0]!.message.content).toBe('buy SOL now');
    await expect(call('second')).rejects.toThrow('LLM budget of the test reached');
    expect(server.requests.length - before).toBe(1);
    expect(outcomes.map((o) => o.outcome.ok)).toEqual([true]);
    const llm = (await spans()).filter((s) => s.name === 'chat deepseek-chat');
    expect(llm.map((s) => [s.attributes[A.ATTR_TRADING_LLM_CACHED] ?? false, s.status.code])).toEqual([
      [false, SpanStatusCode.UNSET],
      [true, SpanStatusCode.UNSET],
      [false, SpanStatusCode.ERROR],
    ]);
  });

  it('lets streams through uncached and tells the gateway their usage', async () => {
    const { gateway, outcomes } = cachingGateway();
    const { tt } = sdk(gateway);
    const client = tt.instrumentOpenAI(openai(), { provider: 'deepseek' });
    const before = server.requests.length;
    for (let i = 0; i < 2; i++) {
      const stream = await client.chat.completions.create({ ...request, stream: true });
      for await (const _chunk of stream);
    }
    expect(server.requests.length - before).toBe(2);
    expect(outcomes).toHaveLength(2);
    const first = outcomes[0]!.outcome;
    expect(first.ok && first.attributes[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
  });

  it('tells the gateway when a call it let through fails', async () => {
    const { gateway, outcomes } = cachingGateway();
    const { tt } = sdk(gateway);
    const client = tt.instrumentOpenAI(openai(), { provider: 'deepseek' });
    await expect(client.chat.completions.create({ ...request, model: 'fail' })).rejects.toThrow();
    expect(outcomes.map((o) => o.outcome.ok)).toEqual([false]);
  });
});
