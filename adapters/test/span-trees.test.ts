import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '@tradetrace/storage';
import { createSpanForest, resolveExtractionOptions, decisionFactsFromSpans } from '../src/index.ts';
import { decideSpan, hexId, llmSpan, rewardEvent, SECOND, span, T0 } from './support/span-builders.ts';
import { extractWithBothEngines } from './support/both-engines.ts';
import { openTestStorage } from './support/test-storage.ts';

describe('createSpanForest', () => {
  it('hangs spans whose parent is missing under a virtual parent that spans them, as one more root', () => {
    const traceId = hexId(32);
    const root = span({ traceId, at: T0 });
    const missing = hexId(16);
    const a = span({ traceId, parentSpanId: missing, at: T0 + 5n * SECOND, durationNs: 1e9 });
    const b = span({ traceId, parentSpanId: missing, at: T0 + 2n * SECOND, durationNs: 1e9 });
    const forest = createSpanForest([a, root, b]);
    const roots = forest.roots(traceId);
    expect(roots.map((r) => r.spanId).sort()).toEqual([root.SpanId, missing].sort());
    const virtual = roots.find((r) => r.spanId === missing)!;
    expect(virtual.row).toBeNull();
    expect(virtual.children.map((c) => c.spanId)).toEqual([a.SpanId, b.SpanId]);
    expect([virtual.startNs, virtual.endNs]).toEqual([T0 + 2n * SECOND, T0 + 6n * SECOND]);
    expect(forest.span(traceId, missing)).toBeUndefined();
  });

  it('lets a late parent take its virtual node’s place, children kept', () => {
    const traceId = hexId(32);
    const parent = span({ traceId, at: T0 });
    const child = span({ traceId, parentSpanId: parent.SpanId, at: T0 + 1n });
    const forest = createSpanForest([child]);
    forest.add(parent);
    expect(forest.roots(traceId).map((r) => r.spanId)).toEqual([parent.SpanId]);
    expect(forest.span(traceId, parent.SpanId)!.children.map((c) => c.spanId)).toEqual([child.SpanId]);
  });

  it('ignores a duplicate of a span already present (an exporter retry)', () => {
    const s = span({ traceId: hexId(32), at: T0 });
    expect(
      createSpanForest([s, { ...s, SpanName: 'retry' }])
        .spans()
        .map((n) => n.row!.SpanName),
    ).toEqual(['span']);
  });
});

describe('decisions over broken trees (both engines)', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await openTestStorage();
  });
  afterAll(async () => {
    await storage.close();
  });

  it('finds every LLM call in the subtree, in start order, and none from a branch whose parent is missing', async () => {
    const traceId = hexId(32);
    const d = decideSpan({ traceId, at: T0, decisionId: 'd' });
    const step = span({ traceId, parentSpanId: d.SpanId, at: T0 + 1n });
    const analysis = llmSpan({ traceId, parentSpanId: d.SpanId, at: T0 + 10n, model: 'analysis-model' });
    const decision = llmSpan({ traceId, parentSpanId: step.SpanId, at: T0 + 20n, model: 'decision-model' });
    const orphan = llmSpan({ traceId, parentSpanId: hexId(16), at: T0 + 30n, model: 'orphan-model' });
    const t = (await extractWithBothEngines(storage, [orphan, decision, step, analysis, d])).get('d')!;
    expect(t.decision.llm_calls.map((c) => c.model)).toEqual(['analysis-model', 'decision-model']);
    expect(t.decision.llm_calls[0]).toMatchObject({
      provider: 'openai',
      input_messages: [{ role: 'user', content: 'price?' }],
      input_tokens: 12,
      output_tokens: 3,
    });
  });

  it('treats several roots and nested decisions: each span belongs to its nearest decision', async () => {
    const traceId = hexId(32);
    const outer = decideSpan({ traceId, at: T0, decisionId: 'outer' });
    const inner = decideSpan({ traceId, parentSpanId: outer.SpanId, at: T0 + 1n, decisionId: 'inner' });
    const innerCall = llmSpan({ traceId, parentSpanId: inner.SpanId, at: T0 + 2n });
    const otherRoot = decideSpan({ traceId, at: T0 + 3n, decisionId: 'second-root' });
    const otherCall = llmSpan({ traceId, parentSpanId: otherRoot.SpanId, at: T0 + 4n });
    const triplets = await extractWithBothEngines(storage, [innerCall, otherCall, otherRoot, inner, outer]);
    expect([...triplets.keys()]).toEqual(['outer', 'inner', 'second-root']);
    expect(triplets.get('outer')!.decision.llm_calls).toHaveLength(0);
    expect(triplets.get('inner')!.decision.llm_calls).toHaveLength(1);
    expect(triplets.get('second-root')!.decision.llm_calls).toHaveLength(1);
  });

  it('keeps structure by ids under clock skew: a child stamped before its parent is still in the subtree', async () => {
    const traceId = hexId(32);
    const d = decideSpan({ traceId, at: T0 + 10n * SECOND, decisionId: 'skew', service: 'bot' });
    const call = llmSpan({
      traceId,
      parentSpanId: d.SpanId,
      at: T0 + 2n * SECOND,
      service: 'llm-proxy',
      events: [rewardEvent(T0, 1)],
    });
    const t = (await extractWithBothEngines(storage, [call, d])).get('skew')!;
    expect(t.decision.llm_calls).toHaveLength(1);
    expect(t.reward).toMatchObject({ value: 1, match: 'ancestor' });
  });

  it('attaches an LLM call once its late parent arrives (span-tree engine, incremental)', () => {
    const traceId = hexId(32);
    const d = decideSpan({ traceId, at: T0, decisionId: 'late-parent' });
    const step = span({ traceId, parentSpanId: d.SpanId, at: T0 + 1n });
    const call = llmSpan({ traceId, parentSpanId: step.SpanId, at: T0 + 2n });
    const forest = createSpanForest([d, call]);
    const options = resolveExtractionOptions();
    expect(decisionFactsFromSpans({ spans: forest }, {}, options)[0]!.llmCalls).toHaveLength(0);
    forest.add(step);
    expect(decisionFactsFromSpans({ spans: forest }, {}, options)[0]!.llmCalls.map((c) => c.spanId)).toEqual([
      call.SpanId,
    ]);
  });

  it('survives a parent cycle in corrupt data without hanging or inventing an owner', async () => {
    const traceId = hexId(32);
    const [x, y] = [hexId(16), hexId(16)];
    const d = decideSpan({ traceId, at: T0, decisionId: 'cycle' });
    const a = llmSpan({ traceId, spanId: x, parentSpanId: y, at: T0 + 1n });
    const b = span({ traceId, spanId: y, parentSpanId: x, at: T0 + 2n });
    expect((await extractWithBothEngines(storage, [d, a, b])).get('cycle')!.decision.llm_calls).toHaveLength(0);
    // Stored twice: the walk follows each span once (two copies per step would double its rows 64 times).
    expect((await extractWithBothEngines(storage, [d, a, b, a, b])).get('cycle')!.decision.llm_calls).toHaveLength(0);
  });

  it('names a decision by its span id when the bot gave none', async () => {
    const d = decideSpan({ traceId: hexId(32), at: T0 });
    const triplets = await extractWithBothEngines(storage, [d]);
    expect(triplets.get(d.SpanId)).toMatchObject({
      decision_id: d.SpanId,
      timestamp: '2026-01-01T00:00:00.000000000Z',
      reward: { value: null, match: 'none' },
    });
  });
});
