import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedLlmServer, type SimulatedLlmServer } from '../src/simulated-llm-server.ts';

describe('startSimulatedLlmServer', () => {
  let server: SimulatedLlmServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startSimulatedLlmServer();
    client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 });
  });
  afterAll(() => server.close());

  const ask = (features: object) =>
    client.chat.completions.create({
      model: 'deepseek-chat',
      messages: [{ role: 'user', content: `features: ${JSON.stringify(features)}` }],
    });

  it('answers the real openai client with a JSON decision that follows the momentum in the prompt', async () => {
    const up = await ask({ return_5: 0.03, return_20: 0.05, volatility_20: 0.004 });
    const down = await ask({ return_5: -0.03, return_20: -0.05, volatility_20: 0.004 });
    expect(JSON.parse(up.choices[0]!.message.content!)).toMatchObject({ action: 'buy' });
    expect(JSON.parse(down.choices[0]!.message.content!)).toMatchObject({ action: 'sell' });
    expect(up.model).toBe('deepseek-chat');
    expect(up.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('is deterministic for the same prompt', async () => {
    const features = { return_5: 0.001, return_20: -0.002, volatility_20: 0.003 };
    expect((await ask(features)).choices[0]!.message.content).toBe((await ask(features)).choices[0]!.message.content);
  });

  it('rejects a request that is not a chat request with 400 and a message', async () => {
    const response = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'x' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/invalid chat request/);
  });
});
