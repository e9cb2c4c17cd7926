import { semconv as A, type LlmGatewayCall } from '@tradetrace/sdk';
import { DEFAULT_LLM_PRICES } from '@tradetrace/storage';
import { describe, expect, it } from 'vitest';
import { LlmCallGate } from '../../src/backtest/llm-call-gate.ts';

const call = (request: Record<string, unknown>): LlmGatewayCall => ({
  provider: 'deepseek',
  request: { model: 'deepseek-chat', messages: [{ role: 'user', content: 'move 0.01' }], ...request },
});
const answered = (input: number, output: number, model = 'deepseek-chat') => ({
  ok: true as const,
  response: { choices: [{ message: { content: 'buy' } }] },
  attributes: {
    [A.ATTR_GEN_AI_RESPONSE_MODEL]: model,
    [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: input,
    [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: output,
  },
});

/** Sends `c` through the gate as a worker does: before, then (when sent) after with the outcome. */
async function through(gate: LlmCallGate, c: LlmGatewayCall, outcome = answered(1000, 100)) {
  const answer = await gate.before(c);
  if ('send' in answer) gate.after(c, outcome);
  return answer;
}

describe('LlmCallGate', () => {
  describe('.before (cache)', () => {
    it('answers a repeated temperature-0 call from the cache, and not a sampled, multi-answer or streamed one', async () => {
      const gate = new LlmCallGate({ cache: true });
      expect(await through(gate, call({ temperature: 0 }))).toEqual({ send: true });
      expect(await through(gate, call({ temperature: 0 }))).toEqual({ cached: answered(0, 0).response });
      for (const sampled of [{ temperature: 0.7 }, {}, { temperature: 0, n: 3 }, { temperature: 0, stream: true }]) {
        expect(await through(gate, call(sampled))).toEqual({ send: true });
        expect(await through(gate, call(sampled))).toEqual({ send: true });
      }
      expect(gate.usage()).toMatchObject({ calls: 9, cached: 1 });
    });

    it('sends identical calls in flight at once only once; a failed one lets the next through', async () => {
      const gate = new LlmCallGate({ cache: true });
      const c = call({ temperature: 0 });
      expect(await gate.before(c)).toEqual({ send: true });
      const waiting = [gate.before(c), gate.before(c)];
      gate.after(c, { ok: false });
      expect(await waiting[0]).toEqual({ send: true });
      gate.after(c, answered(10, 1));
      expect(await waiting[1]).toEqual({ cached: answered(0, 0).response });
      expect(gate.usage()).toMatchObject({ calls: 2, cached: 1 });
    });

    it('caches nothing when the cache is off', async () => {
      const gate = new LlmCallGate({ cache: false });
      await through(gate, call({ temperature: 0 }));
      expect(await through(gate, call({ temperature: 0 }))).toEqual({ send: true });
    });
  });

  describe('budget', () => {
    it('refuses the call past the call budget, within the share the phase may use; cached answers are free', async () => {
      const gate = new LlmCallGate({ cache: true, maxCalls: 4 });
      gate.limitTo(0.5);
      await through(gate, call({ temperature: 0, seed: 1 }));
      await through(gate, call({ temperature: 0, seed: 2 }));
      expect(await through(gate, call({ temperature: 0, seed: 1 }))).toHaveProperty('cached');
      expect(await through(gate, call({ temperature: 0, seed: 3 }))).toEqual({
        refused: 'LLM call budget reached (2 of 4 calls, 2 for the search)',
      });
      gate.limitTo(1);
      await through(gate, call({ temperature: 0, seed: 3 }));
      await through(gate, call({ temperature: 0, seed: 4 }));
      expect(await through(gate, call({ temperature: 0, seed: 5 }))).toHaveProperty('refused');
      expect(gate.usage()).toMatchObject({ calls: 4, cached: 1, refused: 2, max_calls: 4 });
    });

    it('prices answered calls with storage’s table and refuses once the cost budget is spent', async () => {
      const price = DEFAULT_LLM_PRICES['deepseek-chat']!;
      const perCall = (1000 * price.inputUsdPerMTok + 100 * price.outputUsdPerMTok) / 1e6;
      const gate = new LlmCallGate({ cache: false, maxCostUsd: 2.5 * perCall });
      for (let i = 0; i < 3; i++) expect(await through(gate, call({}))).toEqual({ send: true });
      expect(await through(gate, call({}))).toHaveProperty('refused');
      const unpriced = new LlmCallGate({ cache: false, maxCostUsd: perCall });
      await through(unpriced, call({ model: 'local-llama' }), answered(1000, 100, 'local-llama-q4'));
      expect(unpriced.usage()).toMatchObject({ calls: 1, cost_usd: 0, unpriced_calls: 1 });
      // An answering model without a price is priced as the model asked for, as llm_calls does.
      const fallback = new LlmCallGate({ cache: false, maxCostUsd: perCall });
      await through(fallback, call({}), answered(1000, 100, 'deepseek-v3-internal'));
      expect(fallback.usage()).toMatchObject({ calls: 1, cost_usd: perCall, unpriced_calls: 0 });
      expect(gate.usage().cost_usd).toBeCloseTo(3 * perCall, 12);
    });
  });
});
