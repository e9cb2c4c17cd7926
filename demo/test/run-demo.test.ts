import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector } from '@tradetrace/collector';
import { openStorage } from '@tradetrace/storage';
import { runDemo } from '../src/run-demo.ts';

describe('runDemo (small size, end to end on the embedded engine)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-demo-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('traces three strategy versions through the collector and writes one triplet per decision', async () => {
    const lines: string[] = [];
    const result = await runDemo({
      dataPath: join(root, 'demo'),
      candles: 45,
      seed: 3,
      log: (line) => lines.push(line),
    });

    // 3 versions × 3 symbols × 45 candles (a decision at every close, holds while the averages warm up)
    expect(result.decisions).toBe(405);
    expect(result.versions).toHaveLength(3);
    expect(result.versions!.map((v) => v.decisions)).toEqual([135, 135, 135]);
    expect(result.triplets!.count).toBe(405);

    const triplets = readFileSync(result.triplets!.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(new Set(triplets.map((t) => t.decision_id)).size).toBe(405);
    expect(triplets.every((t) => t.mode === 'paper' && t.exchange === 'hyperliquid')).toBe(true);
    const llm = triplets.filter((t) => t.decision.kind === 'llm');
    expect(llm).toHaveLength(270);
    // Past the warm-up (19 candles per symbol) every LLM decision made exactly one model call.
    const asked = llm.filter((t) => t.context.warming_up !== true);
    expect(asked).toHaveLength(2 * 3 * (45 - 19));
    expect(
      asked.every((t) => t.decision.llm_calls.length === 1 && t.decision.llm_calls[0].model === 'deepseek-chat'),
    ).toBe(true);
    expect(llm.filter((t) => t.context.warming_up === true).every((t) => t.decision.llm_calls.length === 0)).toBe(true);
    // Every closed trade rewards the decision that opened it, found by decision id.
    const trades = result.versions!.reduce((n, v) => n + v.trades, 0);
    expect(trades).toBe(result.closedPositions);
    const rewarded = triplets.filter((t) => t.reward.match === 'decision_id');
    expect(rewarded).toHaveLength(trades);
    expect(
      rewarded.every((t) => typeof t.reward.value === 'number' && t.outcome.realized_return === t.reward.value),
    ).toBe(true);
    expect(lines.some((l) => l.includes('triplets: 405'))).toBe(true);

    // The two LLM versions answer the same rendered prompts (the two answers a preference pair is made of), not
    // always alike.
    const byPrompt = new Map<string, { version: string; answer: string }[]>();
    for (const t of asked) {
      const [call] = t.decision.llm_calls;
      const key = JSON.stringify(call.input_messages);
      const answers = byPrompt.get(key) ?? byPrompt.set(key, []).get(key)!;
      answers.push({ version: t.strategy_version, answer: JSON.stringify(call.output_messages) });
    }
    expect(byPrompt.size).toBe(3 * (45 - 19));
    for (const answers of byPrompt.values()) expect(new Set(answers.map((a) => a.version)).size).toBe(2);
    expect([...byPrompt.values()].some(([x, y]) => x!.answer !== y!.answer)).toBe(true);
  });

  it('trades on the simulated exchange: every order and fill reaches the store, linked to its decision', async () => {
    const dataPath = join(root, 'orders');
    const result = await runDemo({ dataPath, candles: 60, seed: 3, log: () => {} });
    const { exchange } = result;
    expect(exchange.orders).toBeGreaterThan(0);
    expect(exchange.fills).toBeGreaterThan(0);
    expect(exchange.fees).toBeGreaterThan(0);
    const storage = await openStorage({ dataPath });
    try {
      const rows = async (sql: string) =>
        (await storage.client.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, string | number>>();
      const [orders] = await rows(`SELECT countIf(Operation = 'submit_order') AS submitted,
          countIf(Operation = 'submit_order' AND Status = 'rejected') AS rejected,
          countIf(Operation = 'cancel_order') AS canceled, countIf(DecisionId = '') AS unlinked,
          countIf(Operation = 'submit_order' AND Type = 'limit') AS limits
        FROM ${storage.table('trading_orders')}`);
      expect(Number(orders!.submitted)).toBe(exchange.orders);
      expect(Number(orders!.rejected)).toBe(exchange.rejected);
      expect(Number(orders!.canceled)).toBe(exchange.canceled);
      expect(Number(orders!.limits)).toBeGreaterThan(0);
      expect(Number(orders!.unlinked)).toBe(0);
      const [fills] =
        await rows(`SELECT count() AS fills, sum(FeeCost) AS fees, groupUniqArray(FeeCurrency) AS currencies,
          countIf(f.DecisionId = d.DecisionId) AS of_decisions
        FROM ${storage.table('trading_fills')} AS f
        LEFT JOIN ${storage.table('trading_decisions')} AS d ON d.DecisionId = f.DecisionId`);
      expect(Number(fills!.fills)).toBe(exchange.fills);
      expect(Number(fills!.of_decisions)).toBe(exchange.fills);
      expect(Number(fills!.fees)).toBeCloseTo(exchange.fees, 6);
      expect(fills!.currencies).toEqual(['USDC']);
      // Partial fills: some orders took more than one fill.
      const [partial] = await rows(
        `SELECT countIf(n > 1) AS orders FROM (SELECT OrderId, count() AS n FROM ${storage.table('trading_fills')} GROUP BY OrderId)`,
      );
      expect(Number(partial!.orders)).toBeGreaterThan(0);
    } finally {
      await storage.close();
    }
  });

  it('starts from an empty folder on every run', async () => {
    const first = await runDemo({ dataPath: join(root, 'again'), candles: 30, log: () => {} });
    const second = await runDemo({ dataPath: join(root, 'again'), candles: 30, log: () => {} });
    expect(second.decisions).toBe(first.decisions);
    expect(second.triplets!.count).toBe(first.triplets!.count);
    // Seeded: the same orders, fills and fees every run.
    expect(second.exchange).toEqual(first.exchange);
  });

  it('with an endpoint, only runs the bot and sends everything to that collector', async () => {
    const collector = await startCollector({ port: 0, dataPath: join(root, 'external') });
    try {
      const result = await runDemo({ endpoint: collector.url, candles: 30, log: () => {} });
      expect(result.versions).toBeUndefined();
      expect(await collector.drain(60_000)).toBe(true);
      const stored = await collector.storage.client.query({
        query: `SELECT count() AS n FROM ${collector.storage.table('otel_traces')} WHERE SpanAttributes['trading.operation.name'] = 'decide'`,
        format: 'JSONEachRow',
      });
      expect(Number((await stored.json<{ n: string }>())[0]!.n)).toBe(result.decisions);
      expect(result.decisions).toBe(270);
    } finally {
      await collector.close();
    }
  });
});
