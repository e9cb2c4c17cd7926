import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertLogRows, insertSpanRows, type Storage } from '@tradetrace/storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parsePrimaryRewardRule,
  readTriplets,
  readTripletsParquet,
  writeTripletsParquet,
  REWARD_PRESETS,
  tripletsFromSpans,
  type ExtractionOptions,
  type Triplet,
  type TripletFilter,
} from '../src/index.ts';
import { spanSetArbitrary } from './support/span-set-arbitrary.ts';
import { openTestStorage } from './support/test-storage.ts';

const optionsArbitrary: fc.Arbitrary<ExtractionOptions> = fc.record({
  matchByTime: fc.boolean(),
  horizonSeconds: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  primaryRule: fc
    .constantFrom('default', 'sum', 'last', 'component:pnl', 'weighted:pnl=1,risk=-0.5')
    .map(parsePrimaryRewardRule),
  rewardFunctions: fc.subarray(Object.values(REWARD_PRESETS)),
  gamma: fc.option(fc.constantFrom(0.5, 0.9, 1), { nil: undefined }),
});

const filterArbitrary: fc.Arbitrary<TripletFilter> = fc.record(
  {
    service: fc.constantFrom('bot-a', 'bot-b'),
    symbol: fc.constantFrom('BTC/USDT', 'ETH/USDT'),
    onlyRewarded: fc.boolean(),
  },
  { requiredKeys: [] },
);

async function collect(triplets: AsyncIterable<Triplet>): Promise<Triplet[]> {
  const all: Triplet[] = [];
  for await (const t of triplets) all.push(t);
  return all;
}

describe('the SQL engine and the span-tree engine', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await openTestStorage();
  });
  afterAll(async () => {
    await storage.close();
  });

  it('produce the same triplets on generated span sets', async () => {
    let nonTrivial = 0;
    await fc.assert(
      fc.asyncProperty(spanSetArbitrary, optionsArbitrary, filterArbitrary, async (set, options, filter) => {
        await storage.client.command({ query: `TRUNCATE TABLE ${storage.table('otel_traces')}` });
        await storage.client.command({ query: `TRUNCATE TABLE ${storage.table('otel_logs')}` });
        await insertSpanRows(storage, set.spans);
        await insertLogRows(storage, set.logs);
        const sql = await collect(readTriplets(storage, filter, options));
        const tree = await collect(tripletsFromSpans(set, filter, options));
        if (sql.some((t) => t.reward.match !== 'none' || t.decision.llm_calls.length > 0)) nonTrivial += 1;
        expect(tree).toEqual(sql);
      }),
      { numRuns: 16, seed: 20260101 },
    );
    // The generator must actually exercise rewards and LLM calls, or agreement proves nothing.
    expect(nonTrivial).toBeGreaterThan(5);
  }, 240_000);

  it('agree with the triplets ClickHouse projects itself into Parquet', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tt-parquet-'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(spanSetArbitrary, optionsArbitrary, filterArbitrary, async (set, options, filter) => {
        const sqlOnly = { ...options, rewardFunctions: [], gamma: undefined };
        await storage.client.command({ query: `TRUNCATE TABLE ${storage.table('otel_traces')}` });
        await storage.client.command({ query: `TRUNCATE TABLE ${storage.table('otel_logs')}` });
        await insertSpanRows(storage, set.spans);
        await insertLogRows(storage, set.logs);
        const file = join(folder, `run-${(run += 1)}.parquet`);
        const written = await writeTripletsParquet(storage, file, filter, sqlOnly);
        expect(written.pushedDown).toBe(true);
        const tree = await collect(tripletsFromSpans(set, filter, sqlOnly));
        expect(written.count).toBe(tree.length);
        expect(await collect(readTripletsParquet(storage, file))).toEqual(tree);
      }),
      { numRuns: 4, seed: 20260102 },
    );
  }, 240_000);
});
