import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '@tradetrace/storage';
import {
  readTriplets,
  readTripletsCsv,
  readTripletsJsonl,
  readTripletsParquet,
  writeAgentLightning,
  writeOpenAiChat,
  writeTripletsCsv,
  writeTripletsJsonl,
  writeTripletsParquet,
  type Triplet,
} from '../src/index.ts';
import { collect, extractWithBothEngines } from './support/both-engines.ts';
import { decideSpan, hexId, llmSpan, span, T0 } from './support/span-builders.ts';
import { openTestStorage } from './support/test-storage.ts';

/** 2^53 + 1: the first integer a JavaScript number cannot hold (it reads back as ...992). */
const BIG = '9007199254740993';
const UINT64_MAX = '18446744073709551615';

describe('integers beyond 2^53 in exports', () => {
  let storage: Storage;
  let triplet: Triplet;
  const folder = mkdtempSync(join(tmpdir(), 'tt-exact-'));

  beforeAll(async () => {
    storage = await openTestStorage();
    const traceId = hexId(32);
    const decision = decideSpan({
      traceId,
      at: T0,
      decisionId: 'big',
      price: 100,
      attributes: { 'trading.context.volume': BIG, 'trading.context.small': '42' },
    });
    const spans = [
      decision,
      llmSpan({
        traceId,
        parentSpanId: decision.SpanId,
        at: T0 + 1n,
        attributes: { 'gen_ai.input.messages': `[{"role":"user","content":"order ${BIG}?","order_id":${BIG}}]` },
      }),
      span({
        traceId: hexId(32),
        at: T0 + 2n,
        attributes: { 'trading.operation.name': 'reward', 'trading.decision.id': 'big', 'trading.reward.value': 1 },
      }),
    ];
    const triplets = await extractWithBothEngines(storage, spans, [], {}, {}, [
      { strategy_name: 'momentum', version: 'v1', config: `{"seed":${UINT64_MAX},"lookback":14}` },
    ]);
    triplet = triplets.get('big')!;
  });

  afterAll(async () => {
    await storage.close();
  });

  it('reads them as bigints: context values, strategy config, LLM messages', () => {
    expect(triplet.context).toMatchObject({ volume: BigInt(BIG), small: 42 });
    expect(triplet.strategy_config).toEqual({ seed: BigInt(UINT64_MAX), lookback: 14 });
    expect(triplet.decision.llm_calls[0]!.input_messages).toEqual([
      { role: 'user', content: `order ${BIG}?`, order_id: BigInt(BIG) },
    ]);
  });

  it('writes their exact digits as JSON numbers in JSON Lines and CSV, and reads them back', async () => {
    const jsonl = join(folder, 't.jsonl');
    await writeTripletsJsonl(readTriplets(storage), jsonl);
    const text = readFileSync(jsonl, 'utf8');
    expect(text).toContain(`"volume":${BIG}`);
    expect(text).toContain(`"seed":${UINT64_MAX}`);
    expect(await collect(readTripletsJsonl(jsonl))).toEqual([triplet]);

    const csv = join(folder, 't.csv');
    await writeTripletsCsv(readTriplets(storage), csv);
    expect(readFileSync(csv, 'utf8')).toContain(`""volume"":${BIG}`);
    expect(await collect(readTripletsCsv(csv))).toEqual([triplet]);
  });

  it('keeps them in Parquet, pushed down and assembled in TypeScript', async () => {
    const pushed = join(folder, 'pushed.parquet');
    expect((await writeTripletsParquet(storage, pushed)).pushedDown).toBe(true);
    expect(await collect(readTripletsParquet(storage, pushed))).toEqual([triplet]);
    const assembled = join(folder, 'assembled.parquet');
    expect((await writeTripletsParquet(storage, assembled, {}, { gamma: 0.5 })).pushedDown).toBe(false);
    const [back] = await collect(readTripletsParquet(storage, assembled));
    expect(back!.context.volume).toBe(BigInt(BIG));
    expect(back!.strategy_config).toEqual({ seed: BigInt(UINT64_MAX), lookback: 14 });
  });

  it('writes them exactly in the training formats', async () => {
    const agentLightning = join(folder, 'al.jsonl');
    await writeAgentLightning(readTriplets(storage), agentLightning);
    const text = readFileSync(agentLightning, 'utf8');
    expect(text).toContain(`"order_id":${BIG}`);
    expect(text).toContain(`"seed":${UINT64_MAX}`);
    // Chat examples carry the messages' text only, where the digits are text already.
    const chat = join(folder, 'chat.jsonl');
    await writeOpenAiChat(readTriplets(storage), chat);
    expect(readFileSync(chat, 'utf8')).toContain(`order ${BIG}?`);
  });
});
