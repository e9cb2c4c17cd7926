import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listVersions } from '../../src/registry/strategy-registry.ts';
import { runSearch, type SearchOptions } from '../../src/search/run-search.ts';
import type { SearchRunResult } from '../../src/search/search-result.ts';
import { startLlmTraderServer, type LlmTraderServer } from './fixtures/llm-trader-server.ts';
import { syntheticCandles } from './fixtures/synthetic-market.ts';

const BOT = new URL('./fixtures/llm-prompt-bot.ts', import.meta.url).pathname;
const CANDLES = syntheticCandles(120, { seed: 5, phi: 0 });
const PROMPTS = ['follow the move', 'fade the move'];

let dataPath: string;
let collector: RunningCollector;
let llm: LlmTraderServer;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tt-llm-search-'));
  collector = await startCollector({ dataPath, port: 0 });
  llm = await startLlmTraderServer();
  // The workers read it when they import the bot module.
  process.env.TT_TEST_LLM_BASE_URL = llm.baseURL;
});

afterAll(async () => {
  await llm.close();
  await collector.close();
  rmSync(dataPath, { recursive: true, force: true });
});

/** Runs a search of the LLM bot and returns it with the requests that reached the LLM server meanwhile. */
async function search(options: Omit<SearchOptions, 'botModule' | 'markets'>) {
  const before = llm.requests;
  const result = await runSearch(collector.storage, {
    botModule: BOT,
    markets: [{ symbol: 'LLM/USD', candles: CANDLES }],
    holdout: 0.25,
    cscvBlocks: 4,
    concurrency: 2,
    endpoint: collector.url,
    ...options,
  });
  return { result, requests: llm.requests - before };
}

/** LLM calls of one trial: every in-sample candle but the first, every holdout candle. */
const callsPerTrial = (r: SearchRunResult) => ({
  inSample: r.holdout.in_sample_candles - 1,
  holdout: r.holdout.out_of_sample_candles,
});

async function spanCounts(runId: string): Promise<{ llm: number; cached: number }> {
  // The collector answers before its INSERT; wait until every span it accepted is stored.
  expect(await collector.drain(60_000)).toBe(true);
  const rows = await (
    await collector.storage.client.query({
      query: `SELECT countIf(SpanAttributes['gen_ai.operation.name'] = 'chat') AS llm,
        countIf(SpanAttributes['trading.llm.cached'] = 'true') AS cached
        FROM ${collector.storage.table('otel_traces')} WHERE startsWith(ResourceAttributes['trading.bot.id'], {run:String})`,
      query_params: { run: `${runId}:` },
      format: 'JSONEachRow',
    })
  ).json<{ llm: string; cached: string }>();
  return { llm: Number(rows[0]!.llm), cached: Number(rows[0]!.cached) };
}

// Every search replays real backtests in worker threads, each decision a real HTTP call through the openai client.
describe('runSearch with an LLM-driven bot', { timeout: 300_000 }, () => {
  it('searches prompt text as a dimension and sends identical calls once, tracing the cached answers too', async () => {
    const { result, requests } = await search({
      space: { systemPrompt: PROMPTS, minConfidence: [0, 0.5] },
      runId: 'prompt-cache',
    });
    expect(result.trials).toHaveLength(4);
    expect(new Set(result.trials.map((t) => (t.config as { systemPrompt: string }).systemPrompt))).toEqual(
      new Set(PROMPTS),
    );
    // The prompt decides the trades: following and fading the same moves end differently.
    const pnlOf = (prompt: string) =>
      result.trials
        .filter((t) => (t.config as { systemPrompt: string }).systemPrompt === prompt)
        .map((t) => t.in_sample.total_pnl);
    expect(pnlOf('follow the move')).toHaveLength(2);
    expect(pnlOf('follow the move')[0]).not.toBeCloseTo(pnlOf('fade the move')[0]!, 6);
    // Trials differing only in minConfidence ask the same prompts: one request per prompt and candle.
    const { inSample, holdout } = callsPerTrial(result);
    const distinct = PROMPTS.length * (inSample + holdout);
    expect(requests).toBe(distinct);
    expect(result.llm).toMatchObject({
      calls: distinct,
      cached: distinct,
      refused: 0,
      cache: true,
      budget_stopped: false,
    });
    expect(result.llm!.cost_usd).toBeCloseTo(distinct * ((1000 * 0.28 + 100 * 0.42) / 1e6), 9);
    expect(await spanCounts('prompt-cache')).toEqual({ llm: 2 * distinct, cached: distinct });
  });

  it('sends every call of a bot that samples (temperature > 0): nothing is cached', async () => {
    const { result, requests } = await search({
      space: { systemPrompt: ['follow the move'], minConfidence: [0, 0.5], temperature: [0.7] },
      runId: 'sampled',
    });
    const { inSample, holdout } = callsPerTrial(result);
    expect(requests).toBe(2 * (inSample + holdout));
    expect(result.llm).toMatchObject({ calls: requests, cached: 0 });
  });

  it('stops at the call budget: the cut trial is excluded, the finished ones ranked, the holdout served from the rest', async () => {
    const { result, requests } = await search({
      space: { systemPrompt: [...PROMPTS, 'hold always'], minConfidence: [0.1] },
      maxLlmCalls: 300,
      cacheLlmCalls: false,
      // One trial at a time: which trial the budget cuts is then fixed.
      concurrency: 1,
      runId: 'budget',
    });
    const { inSample, holdout } = callsPerTrial(result);
    const searchShare = Math.floor(300 * 0.75);
    expect(2 * inSample).toBeLessThanOrEqual(searchShare);
    expect(3 * inSample).toBeGreaterThan(searchShare);
    expect(result.trials.map((t) => t.trial)).toEqual([1, 2]);
    expect(result.llm).toMatchObject({ budget_stopped: true, aborted_trials: 1, holdout_cut: 0, max_calls: 300 });
    // The search spent its share exactly (the third trial was refused there); the holdout replays the two trials.
    expect(requests).toBe(searchShare + 2 * holdout);
    expect(result.llm!.calls).toBe(requests);
    expect(requests).toBeLessThanOrEqual(300);
    expect(result.selected).toMatchObject({ trials: 2 });
    expect(result.trials.every((t) => t.out_of_sample !== null)).toBe(true);
    expect(result.gate.find((c) => c.test === 'complete')).toMatchObject({
      passed: true,
      detail: 'the LLM budget stopped the search after 2 trials; DSR and PBO count only the trials run',
    });
    const registered = (await listVersions(collector.storage, 'llm-prompt')).filter((v) =>
      v.note.startsWith('search run budget:'),
    );
    expect(registered.map((v) => v.version).sort()).toEqual(result.trials.map((t) => t.version).sort());
  });

  it('excludes a cut trial even when the bot caught the refusal and went on holding', async () => {
    const { result } = await search({
      space: { systemPrompt: [...PROMPTS, 'hold always'], holdOnLlmError: [true] },
      maxLlmCalls: 300,
      cacheLlmCalls: false,
      concurrency: 1,
      runId: 'budget-caught',
    });
    expect(result.trials.map((t) => t.trial)).toEqual([1, 2]);
    expect(result.llm).toMatchObject({ budget_stopped: true, aborted_trials: 1 });
  });

  it('refuses an LLM budget without an endpoint (the calls are counted through their traces)', async () => {
    await expect(
      runSearch(collector.storage, {
        botModule: BOT,
        markets: [{ symbol: 'LLM/USD', candles: CANDLES }],
        space: { systemPrompt: PROMPTS },
        maxLlmCalls: 10,
      }),
    ).rejects.toThrow(/endpoint: an LLM budget counts the traced LLM calls/);
  });
});
