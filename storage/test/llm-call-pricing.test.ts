import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LLM_PRICES,
  insertSpanRows,
  llmCallCostUsd,
  llmPricingStatements,
  openStorage,
  planSchema,
  runMigrations,
  type Storage,
} from '@tradetrace/storage';
import { spanRow } from './fixtures/telemetry-rows.ts';

/** 1M input and 1M output tokens: the cost is the entry's input price plus its output price, in USD. */
function call(spanId: string, requestModel: string, responseModel: string) {
  return spanRow({
    SpanId: spanId,
    SpanName: `chat ${requestModel}`,
    SpanKind: 'Client',
    SpanAttributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': requestModel,
      'gen_ai.response.model': responseModel,
      'gen_ai.usage.input_tokens': '1000000',
      'gen_ai.usage.output_tokens': '1000000',
    },
  });
}

let dir: string;
let storage: Storage;

async function pricedAs(): Promise<Record<string, { PriceModel: string; CostUsd: number | null }>> {
  const result = await storage.client.query({
    query: `SELECT SpanId, PriceModel, CostUsd FROM ${storage.table('llm_calls')} ORDER BY SpanId`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ SpanId: string; PriceModel: string; CostUsd: number | null }>();
  return Object.fromEntries(rows.map(({ SpanId, ...rest }) => [SpanId, rest]));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tt-llm-pricing-'));
  storage = await openStorage({ dataPath: join(dir, 'data') });
  await runMigrations(storage);
});

afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('llm_calls pricing', () => {
  it('prices the model that answered, its dated snapshots included, and never a different model that shares a prefix', async () => {
    await insertSpanRows(storage, [
      call('a000000000000001', 'deepseek-chat', 'deepseek-chat-0324'),
      call('a000000000000002', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'),
      call('a000000000000003', 'gpt-4o', 'gpt-4o-2024-08-06'),
      call('a000000000000004', 'gpt-4o-mini', 'gpt-4o-mini'),
      call('a000000000000005', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'),
      call('a000000000000006', 'claude-3-7-sonnet-latest', 'Claude-3-7-Sonnet-Latest'),
      call('a000000000000007', 'gpt-5', ''),
      call('a000000000000008', 'o3-mini', 'o3-mini-2025-01-31'),
      call('a000000000000009', 'gpt-5-pro', 'gpt-5-pro'),
    ]);
    expect(await pricedAs()).toEqual({
      a000000000000001: { PriceModel: 'deepseek-chat', CostUsd: expect.closeTo(0.28 + 0.42, 12) },
      a000000000000002: { PriceModel: 'claude-sonnet-4-5', CostUsd: expect.closeTo(3 + 15, 12) },
      a000000000000003: { PriceModel: 'gpt-4o', CostUsd: expect.closeTo(2.5 + 10, 12) },
      a000000000000004: { PriceModel: 'gpt-4o-mini', CostUsd: expect.closeTo(0.15 + 0.6, 12) },
      a000000000000005: { PriceModel: 'gpt-4o-mini', CostUsd: expect.closeTo(0.15 + 0.6, 12) },
      a000000000000006: { PriceModel: 'claude-3-7-sonnet', CostUsd: expect.closeTo(3 + 15, 12) },
      // No response model: the requested one's price.
      a000000000000007: { PriceModel: 'gpt-5', CostUsd: expect.closeTo(1.25 + 10, 12) },
      // `o3` and `gpt-5` are priced, `o3-mini` and `gpt-5-pro` are other models: no price, not theirs.
      a000000000000008: { PriceModel: '', CostUsd: null },
      a000000000000009: { PriceModel: '', CostUsd: null },
    });
  });

  it("falls back to the requested model's price when the model that answered has none", async () => {
    await insertSpanRows(storage, [
      call('b000000000000001', 'gpt-4o-mini', 'ft:gpt-4o-mini:acme::abc123'),
      call('b000000000000002', 'deepseek-chat', 'deepseek-v3-internal'),
      call('b000000000000003', 'local-llama', 'local-llama-q4'),
    ]);
    const priced = await pricedAs();
    expect(priced.b000000000000001).toEqual({ PriceModel: 'gpt-4o-mini', CostUsd: expect.closeTo(0.15 + 0.6, 12) });
    expect(priced.b000000000000002).toEqual({ PriceModel: 'deepseek-chat', CostUsd: expect.closeTo(0.28 + 0.42, 12) });
    expect(priced.b000000000000003).toEqual({ PriceModel: '', CostUsd: null });
  });

  it('prices every call in process (a search budget) exactly as the view does', async () => {
    const result = await storage.client.query({
      query: `SELECT RequestModel, ResponseModel, CostUsd FROM ${storage.table('llm_calls')} ORDER BY SpanId`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ RequestModel: string; ResponseModel: string; CostUsd: number | null }>();
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) {
      const models = { requestModel: row.RequestModel, responseModel: row.ResponseModel };
      const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
      const cost = llmCallCostUsd(DEFAULT_LLM_PRICES, models, usage);
      if (row.CostUsd === null) expect(cost, JSON.stringify(models)).toBeUndefined();
      else expect(cost, JSON.stringify(models)).toBeCloseTo(row.CostUsd, 12);
    }
  });

  it("brings an existing store's view to this pricing at the next runMigrations", async () => {
    // A store whose view still prices with an older query: here, one with no prices at all.
    for (const statement of llmPricingStatements(planSchema(storage.database), {}))
      await storage.client.command({ query: statement });
    await insertSpanRows(storage, [call('c000000000000001', 'deepseek-chat', 'deepseek-chat-0324')]);
    expect((await pricedAs()).c000000000000001).toEqual({ PriceModel: '', CostUsd: null });
    expect(await runMigrations(storage)).toEqual([]);
    await insertSpanRows(storage, [call('c000000000000002', 'deepseek-chat', 'deepseek-chat-0324')]);
    expect((await pricedAs()).c000000000000002).toEqual({
      PriceModel: 'deepseek-chat',
      CostUsd: expect.closeTo(0.28 + 0.42, 12),
    });
  });
});
