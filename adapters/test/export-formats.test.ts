import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlString, type Storage } from '@tradetrace/storage';
import {
  AgentLightningTripletSchema,
  ChatExampleSchema,
  PreferencePairSchema,
  readTriplets,
  readTripletsCsv,
  readTripletsJsonl,
  readTripletsParquet,
  readValidatedJsonl,
  realizedPnlReward,
  resolveExtractionOptions,
  TRIPLET_JSON_SCHEMA,
  TRIPLET_STRUCTURE,
  writeAgentLightning,
  writeOpenAiChat,
  writePreferencePairs,
  writeTripletsCsv,
  writeTripletsJsonl,
  writeTripletsParquet,
  type Triplet,
} from '../src/index.ts';
import { DECISION_FACTS_SETTINGS } from '../src/sql/decision-facts-query.ts';
import { FIELD_TABLE_MARKERS, tripletFieldTable } from '../src/triplet-field-table.ts';
import { insertTripletsStaged } from '../src/sql/staged-extraction.ts';
import { decideSpan, hexId, llmSpan, SECOND, span, T0 } from './support/span-builders.ts';
import { collect, extractWithBothEngines } from './support/both-engines.ts';
import { openTestStorage } from './support/test-storage.ts';

const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile<unknown>(
  TRIPLET_JSON_SCHEMA,
);

function expectValid(triplets: readonly Triplet[]) {
  for (const t of triplets) {
    const id = t.decision_id;
    if (!validate(t)) throw new Error(`${id}: ${JSON.stringify(validate.errors)}`);
  }
}

/** Six LLM decisions, two strategies; rewards of both signs, one unrewarded; awkward text for CSV quoting. */
function sampleSpans() {
  const spans = [];
  const rewards = [3, -2, null, 1.5, -0.25, 8];
  for (const [i, reward] of rewards.entries()) {
    const traceId = hexId(32);
    const d = decideSpan({
      traceId,
      at: T0 + BigInt(i) * 30n * SECOND,
      decisionId: `d${i}`,
      price: 100 + i,
      action: i % 2 ? 'sell' : 'buy',
      attributes: {
        'trading.context.note': 'comma, "quote"\nnewline',
        'trading.context.trend_up': 'true',
        'trading.decision.confidence': 0.5,
      },
    });
    const call = llmSpan({
      traceId,
      parentSpanId: d.SpanId,
      at: T0 + BigInt(i) * 30n * SECOND + 1n,
      attributes: {
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: `answer ${i}` }] },
        ]),
      },
    });
    spans.push(d, call);
    if (reward !== null) {
      spans.push(
        span({
          traceId: hexId(32),
          at: T0 + 3600n * SECOND,
          attributes: {
            'trading.operation.name': 'reward',
            'trading.decision.id': `d${i}`,
            'trading.reward.value': reward,
          },
        }),
      );
    }
  }
  spans.push(
    span({
      traceId: hexId(32),
      at: T0 + 7200n * SECOND,
      attributes: {
        'trading.operation.name': 'close_position',
        'trading.decision.id': 'd0',
        'trading.position.realized_pnl': 42,
        'trading.position.id': 'p0',
      },
    }),
  );
  return spans;
}

describe('export formats', () => {
  let storage: Storage;
  let triplets: Triplet[];
  const folder = mkdtempSync(join(tmpdir(), 'tt-exports-'));
  beforeAll(async () => {
    storage = await openTestStorage();
    triplets = [
      ...(
        await extractWithBothEngines(storage, sampleSpans(), [], {}, {}, [
          { strategy_name: 'momentum', version: 'v1', config: '{"lookback":14,"threshold":0.02}' },
        ])
      ).values(),
    ];
  });
  afterAll(async () => {
    await storage.close();
  });

  it('publishes in docs/triplets.md the field table derived from the triplet schema', () => {
    const docs = readFileSync(new URL('../../docs/triplets.md', import.meta.url), 'utf8');
    const [start, end] = FIELD_TABLE_MARKERS;
    const published = docs.slice(docs.indexOf(start) + start.length, docs.indexOf(end)).trim();
    // The formatter pads the columns; on failure `npx node adapters/scripts/write-triplet-docs.ts` rewrites the table.
    const unpadded = (table: string) => table.replaceAll(/ {2,}/g, ' ').replaceAll(/-{3,}/g, '---');
    expect(unpadded(published)).toBe(unpadded(tripletFieldTable()));
    expect(unpadded(published)).toContain('| `reward.units` |');
  });

  it('exports triplets that satisfy the JSON Schema, and the schema rejects a broken one', () => {
    expect(triplets).toHaveLength(6);
    expect(triplets[0]!.strategy_config).toEqual({ lookback: 14, threshold: 0.02 });
    expectValid(triplets);
    expect(validate({ ...triplets[0], reward: { ...triplets[0]!.reward, match: 'guess' } })).toBe(false);
  });

  it('round-trips JSON Lines', async () => {
    const file = join(folder, 't.jsonl');
    expect(await writeTripletsJsonl(readTriplets(storage), file)).toBe(6);
    const back = await collect(readTripletsJsonl(file));
    expectValid(back);
    expect(back).toEqual(triplets);
  });

  it('round-trips CSV, quoting included', async () => {
    const file = join(folder, 't.csv');
    expect(await writeTripletsCsv(readTriplets(storage, {}, { gamma: 0.9, horizonSeconds: 60 }), file)).toBe(6);
    const back = await collect(readTripletsCsv(file));
    expectValid(back);
    expect(back).toEqual(await collect(readTriplets(storage, {}, { gamma: 0.9, horizonSeconds: 60 })));
    expect(back[0]!.context.note).toBe('comma, "quote"\nnewline');
  });

  it('neutralizes cells a spreadsheet would run as formulas (OWASP), leaves numbers alone, and reads them back as written', async () => {
    const [first, ...rest] = await collect(readTriplets(storage));
    const hostile = {
      ...first!,
      symbol: '=HYPERLINK("http://evil","x")',
      exchange: '@SUM(1+1)',
      bot_id: "'=already quoted",
      decision: { ...first!.decision, action: '-2+3', kind: '\tcmd' },
      context: { ...first!.context, note: '+cmd|calc', level: -12.5 },
    };
    async function* stream() {
      yield hostile;
      yield* rest;
    }
    const file = join(folder, 'hostile.csv');
    await writeTripletsCsv(stream(), file);
    const [header, row] = readFileSync(file, 'utf8').split('\n');
    const cells = Object.fromEntries(
      header!.split(',').map((name, i) => [name, row!.match(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)![i]!.replace(/,$/, '')]),
    );
    expect(cells.symbol).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(cells.exchange).toBe("'@SUM(1+1)");
    expect(cells.bot_id).toBe("''=already quoted");
    expect(cells.decision_action).toBe("'-2+3");
    const back = await collect(readTripletsCsv(file));
    expect(back[0]).toEqual(hostile);
    expect(back[0]!.context.level).toBe(-12.5);
  });

  it('round-trips Parquet written by the engine, pushed down and through TypeScript reward functions', async () => {
    const pushed = join(folder, 'pushed.parquet');
    expect(await writeTripletsParquet(storage, pushed, { onlyRewarded: true })).toEqual({ count: 5, pushedDown: true });
    const pushedBack = await collect(readTripletsParquet(storage, pushed));
    expectValid(pushedBack);
    expect(pushedBack).toEqual(triplets.filter((t) => t.reward.value !== null));

    const options = { rewardFunctions: [realizedPnlReward], gamma: 0.5 };
    const assembled = join(folder, 'assembled.parquet');
    expect(await writeTripletsParquet(storage, assembled, {}, options)).toEqual({ count: 6, pushedDown: false });
    const assembledBack = await collect(readTripletsParquet(storage, assembled));
    expectValid(assembledBack);
    expect(assembledBack).toEqual(await collect(readTriplets(storage, {}, options)));
    expect(assembledBack.find((t) => t.decision_id === 'd0')!.reward.components).toEqual({
      primary: 3,
      realized_pnl: 42,
    });
  });

  it.each([
    // Two decisions per range: three ranges over the five decisions the filter keeps.
    ['decisions', { decisions: 2, llmMessageBytes: Number.POSITIVE_INFINITY }],
    // A range per 100 bytes of LLM messages: long prompts make smaller ranges.
    ['LLM message bytes', { decisions: Number.POSITIVE_INFINITY, llmMessageBytes: 100 }],
  ])(
    'stages a Parquet export in time ranges bounded by %s without changing a row or its order',
    async (measure, bound) => {
      const file = join(folder, `chunked by ${measure}.parquet`);
      const filter = { since: new Date(Number((T0 + 30n * SECOND) / 1_000_000n)), onlyRewarded: true };
      const options = { horizonSeconds: 60, matchByTime: true };
      const target = `FUNCTION file(${sqlString(file)}, 'Parquet', ${sqlString(TRIPLET_STRUCTURE)})`;
      expect(
        await insertTripletsStaged(
          storage,
          target,
          filter,
          resolveExtractionOptions(options),
          DECISION_FACTS_SETTINGS,
          bound,
        ),
      ).toBe(4);
      expect(await collect(readTripletsParquet(storage, file))).toEqual(
        await collect(readTriplets(storage, filter, options)),
      );
    },
  );

  it('writes Agent Lightning triplets: prompt, response, reward, metadata', async () => {
    const file = join(folder, 'al.jsonl');
    expect(await writeAgentLightning(readTriplets(storage), file)).toBe(6);
    const back = await collect(readValidatedJsonl(file, AgentLightningTripletSchema));
    expect(back.map((r) => r.reward)).toEqual(triplets.map((t) => t.reward.value));
    expect(back[0]).toMatchObject({
      prompt: [{ role: 'user', content: 'price?' }],
      response: [{ role: 'assistant' }],
      metadata: { decision_id: 'd0', reward_match: 'decision_id' },
    });
  });

  it('writes chat fine-tuning examples of the rewarded decisions only', async () => {
    const file = join(folder, 'chat.jsonl');
    expect(await writeOpenAiChat(readTriplets(storage), file)).toBe(3);
    const back = await collect(readValidatedJsonl(file, ChatExampleSchema));
    expect(back.map((e) => e.messages.at(-1)!.content)).toEqual(['answer 0', 'answer 3', 'answer 5']);
    expect(await writeOpenAiChat(readTriplets(storage), join(folder, 'chat2.jsonl'), { minReward: 5 })).toBe(1);
  });

  it('writes preference pairs of answers to one prompt, the better one chosen', async () => {
    const file = join(folder, 'pairs.jsonl');
    const written = await writePreferencePairs(readTriplets(storage), file);
    const pairs = await collect(readValidatedJsonl(file, PreferencePairSchema));
    expect(pairs).toHaveLength(written);
    // Every decision answered the same prompt: the best (d5, 8) is chosen over each of the other rewarded answers.
    expect(pairs.map((p) => p.rejected_decision_id).sort()).toEqual(['d0', 'd1', 'd3', 'd4']);
    for (const p of pairs) {
      expect(p.chosen_decision_id).toBe('d5');
      expect(p.chosen).toEqual([{ role: 'assistant', content: 'answer 5' }]);
    }
  });
});
