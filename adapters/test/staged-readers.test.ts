import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSpanRows, type Storage } from '@tradetrace/storage';
import { resolveExtractionOptions, tripletsFromFacts } from '../src/index.ts';
import { readDecisionFactsInOneQuery } from '../src/sql/sql-triplet-reader.ts';
import { readStagedDecisionFacts, readStagedTriplets } from '../src/sql/staged-readers.ts';
import { decideSpan, hexId, llmSpan, SECOND, span, T0 } from './support/span-builders.ts';
import { collect } from './support/both-engines.ts';
import { openTestStorage, truncateSpans } from './support/test-storage.ts';

/**
 * Decisions one second apart, each with two LLM calls and a reward an hour later, in two interleaved episodes;
 * `copies` of the third decision's spans.
 */
function decisions(count: number, copies: number) {
  const spans = [];
  for (let i = 0; i < count; i += 1) {
    const traceId = hexId(32);
    const d = decideSpan({
      traceId,
      at: T0 + BigInt(i) * SECOND,
      decisionId: `d${i}`,
      price: 100 + i,
      attributes: { 'trading.episode.id': `e${i % 2}` },
    });
    // Two calls (analysis, then decision): one owner's calls are several rows of the staged LLM table.
    spans.push(
      d,
      llmSpan({ traceId, parentSpanId: d.SpanId, at: T0 + BigInt(i) * SECOND + 1n, model: 'analysis-model' }),
      llmSpan({ traceId, parentSpanId: d.SpanId, at: T0 + BigInt(i) * SECOND + 2n }),
    );
    spans.push(
      span({
        traceId: hexId(32),
        at: T0 + 3600n * SECOND,
        attributes: {
          'trading.operation.name': 'reward',
          'trading.decision.id': `d${i}`,
          'trading.reward.value': i - 2,
        },
      }),
    );
    // An exporter's retry stored without deduplication: the decision's four spans again.
    const own = spans.slice(-4);
    if (i === 2) for (let c = 0; c < copies; c += 1) spans.push(...own);
  }
  return spans;
}

describe('staged facts and triplets read back a page at a time', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await openTestStorage();
  });
  afterAll(async () => {
    await storage.close();
  });

  it.each([
    [0, null],
    [1, null],
    [4, null],
    [4, 0.9],
  ])(
    "match the one-query reader at every page size, with %d copies of a decision's spans and gamma %s",
    async (copies, gamma) => {
      await truncateSpans(storage);
      await insertSpanRows(storage, decisions(6, copies));
      const given = gamma === null ? {} : { gamma };
      const options = resolveExtractionOptions(given);
      const expected = await collect(readDecisionFactsInOneQuery(storage, {}, options));
      // Spans stored twice are one decision, with each call and reward once.
      expect(expected.map((f) => f.decisionId)).toHaveLength(6);
      expect(
        expected.every((f) => f.llmCalls.length === 2 && f.rewardComponents.length === 1 && f.rewardCount === 1),
      ).toBe(true);
      // With gamma the order groups episodes: the even decisions first, then the odd ones.
      expect(expected.map((f) => f.decisionId)).toEqual(
        gamma === null ? ['d0', 'd1', 'd2', 'd3', 'd4', 'd5'] : ['d0', 'd2', 'd4', 'd1', 'd3', 'd5'],
      );
      const triplets = await collect(tripletsFromFacts(expected, {}, given));
      // Page sizes that divide the decisions, that do not, and past everything; staged in one chunk, and in chunks of two
      // decisions (the table made from the first chunk's columns, the others inserted).
      const cases = [1, 2, 3, 4, 5, 100]
        .map((pageRows) => ({ pageRows }))
        .concat([1, 4, 100].map((pageRows) => ({ pageRows, chunkBound: { decisions: 2, llmMessageBytes: 2 ** 30 } })));
      for (const reading of cases) {
        const name = `${reading.pageRows} rows a page${'chunkBound' in reading ? ', chunks of 2' : ''}`;
        expect(await collect(readStagedDecisionFacts(storage, {}, options, reading)), `facts, ${name}`).toEqual(
          expected,
        );
        // The engine projects triplets itself only without episode returns.
        if (gamma === null)
          expect(await collect(readStagedTriplets(storage, {}, options, reading)), `triplets, ${name}`).toEqual(
            triplets,
          );
      }
    },
  );

  it('reads the decisions its steps staged: one that arrives before the merge waits for the next read', async () => {
    await truncateSpans(storage);
    await insertSpanRows(storage, decisions(4, 0));
    // A bot's decision stored after the steps ran, just before the staged rows are merged (as a collector's insert
    // takes its turn between the statements of a served read).
    let arrived = false;
    const late = decideSpan({ traceId: hexId(32), at: T0 + 10n * SECOND, decisionId: 'late', price: 1 });
    const client = new Proxy(storage.client, {
      get(target, property, receiver) {
        if (property !== 'command') return Reflect.get(target, property, receiver);
        return async (params: Parameters<Storage['client']['command']>[0]) => {
          if (!arrived && params.query.startsWith('INSERT INTO tt_rows_')) {
            arrived = true;
            await insertSpanRows(storage, [late]);
          }
          return target.command(params);
        };
      },
    });
    const read = await collect(
      readStagedDecisionFacts({ ...storage, client }, {}, resolveExtractionOptions({}), { pageRows: 2 }),
    );
    expect(arrived).toBe(true);
    expect(read.map((f) => [f.decisionId, f.rewardCount])).toEqual([
      ['d0', 1],
      ['d1', 1],
      ['d2', 1],
      ['d3', 1],
    ]);
    const next = await collect(readStagedDecisionFacts(storage, {}, resolveExtractionOptions({})));
    expect(next.map((f) => f.decisionId)).toEqual(['d0', 'd1', 'd2', 'd3', 'late']);
  });

  it('drops its tables when a reader stops early', async () => {
    await truncateSpans(storage);
    await insertSpanRows(storage, decisions(6, 0));
    const tables = async () => {
      const result = await storage.client.query({
        query: "SELECT count() AS n FROM system.tables WHERE is_temporary AND name LIKE 'tt\\_%'",
        format: 'JSONEachRow',
      });
      return Number((await result.json<{ n: string }>())[0]!.n);
    };
    for await (const facts of readStagedDecisionFacts(storage, {}, resolveExtractionOptions({}), { pageRows: 2 })) {
      expect(facts.decisionId).toBe('d0');
      expect(await tables()).toBe(1);
      break;
    }
    expect(await tables()).toBe(0);
  });
});
