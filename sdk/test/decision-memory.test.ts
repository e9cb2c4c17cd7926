import { randomUUID } from 'node:crypto';
import { TraceFlags, type Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { DecisionMemory } from '../src/trading/recent-memory.ts';

function fakeSpan(traceId: string, spanId: string): Span {
  return { spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }) } as unknown as Span;
}

const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');

describe('DecisionMemory', () => {
  it('gives back what it was told, for the last `capacity` decisions at least', () => {
    const memory = new DecisionMemory(1000);
    const told = Array.from({ length: 2500 }, (_, i) => ({
      id: i % 2 ? randomUUID() : `bot-decision-${i}`,
      traceId: hex(32),
      spanId: hex(16),
      symbol: `S${i % 7}/USDT`,
      version: `v${i % 3}`,
    }));
    for (const d of told) memory.remember(d.id, fakeSpan(d.traceId, d.spanId), d.symbol, 'momentum', d.version);
    for (const d of told.slice(-1000)) {
      expect(memory.get(d.id)).toEqual({
        spanContext: { traceId: d.traceId, spanId: d.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: false },
        symbol: d.symbol,
        strategyName: 'momentum',
        strategyVersion: d.version,
      });
    }
    expect(memory.get(told[0]!.id)).toBeUndefined();
    expect(memory.get('never-seen')).toBeUndefined();
  });

  it('never answers for a different decision, even when ids collide in the index', () => {
    const memory = new DecisionMemory(50_000);
    const ids = Array.from({ length: 50_000 }, () => randomUUID());
    for (const id of ids) memory.remember(id, fakeSpan(hex(32), hex(16)), 'X', undefined, undefined);
    let found = 0;
    for (const id of ids) if (memory.get(id) !== undefined) found++;
    // A collision of the 30-bit index may forget a few; it may never confuse two.
    expect(found).toBeGreaterThan(49_900);
    for (let i = 0; i < 50_000; i++) expect(memory.get(randomUUID())).toBeUndefined();
  });

  it('answers exactly like a list of the last `capacity` decisions (newest first) under churn and reused ids', () => {
    const capacity = 64;
    const memory = new DecisionMemory(capacity);
    const last: { id: string; spanId: string }[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Few distinct ids, so ids come back while older decisions with them are still remembered.
      const id = `d-${Math.floor(Math.random() * 300)}`;
      const spanId = hex(16);
      memory.remember(id, fakeSpan(hex(32), spanId), 'X', undefined, undefined);
      last.push({ id, spanId });
      if (last.length > capacity) last.shift();
      if (i % 97 === 0) {
        for (let n = 0; n < 300; n++) {
          const expected = last.findLast((d) => d.id === `d-${n}`);
          expect(memory.get(`d-${n}`)?.spanContext.spanId).toBe(expected?.spanId);
        }
      }
    }
  });
});
