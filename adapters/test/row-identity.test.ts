import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '@tradetrace/storage';
import { extractWithBothEngines } from './support/both-engines.ts';
import { decideSpan, hexId, T0 } from './support/span-builders.ts';
import { openTestStorage } from './support/test-storage.ts';

describe("a decision's bot (both engines)", () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await openTestStorage();
  });
  afterAll(async () => {
    await storage.close();
  });

  it("is the span's own trading.bot.id over its resource's, as the typed tables read it", async () => {
    const resource = { 'trading.bot.id': 'bot-7' };
    const spans = [
      decideSpan({ traceId: hexId(32), at: T0, decisionId: 'resource-only', resource }),
      decideSpan({
        traceId: hexId(32),
        at: T0 + 1n,
        decisionId: 'own',
        resource,
        attributes: { 'trading.bot.id': 'bot-9' },
      }),
      decideSpan({
        traceId: hexId(32),
        at: T0 + 2n,
        decisionId: 'own-empty',
        resource,
        attributes: { 'trading.bot.id': '' },
      }),
    ];
    const triplets = await extractWithBothEngines(storage, spans);
    const bots = Object.fromEntries([...triplets].map(([id, t]) => [id, t.bot_id]));
    expect(bots).toEqual({ 'resource-only': 'bot-7', own: 'bot-9', 'own-empty': '' });
    const typed = await storage.client.query({
      query: `SELECT DecisionId, BotId FROM ${storage.table('trading_decisions')}`,
      format: 'JSONEachRow',
    });
    const rows = await typed.json<{ DecisionId: string; BotId: string }>();
    expect(Object.fromEntries(rows.map((r) => [r.DecisionId, r.BotId]))).toEqual(bots);
  });
});
