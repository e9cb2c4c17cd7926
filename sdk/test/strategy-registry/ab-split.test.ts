import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { init } from '../../src/index.ts';
import { createAbSplit } from '../../src/strategy-registry/ab-split.ts';
import { defineStrategy } from '../../src/strategy/strategy-version.ts';

const grid = defineStrategy('grid', z.object({ spacing: z.number() }));
const control = grid.version({ spacing: 0.01 });
const treatment = grid.version({ spacing: 0.02 });
const variants = [
  { name: 'control', weight: 3, version: control },
  { name: 'treatment', weight: 1, version: treatment },
];

describe('createAbSplit', () => {
  describe('.assign', () => {
    it('is deterministic by seed: the same seed gives the same variant for every unit, in any order', () => {
      fc.assert(
        fc.property(
          fc.string(),
          fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 30 }),
          (seed, symbols) => {
            const first = createAbSplit({ key: 'grid-spacing', seed, unit: 'symbol', variants });
            const second = createAbSplit({ key: 'grid-spacing', seed, unit: 'symbol', variants });
            const forward = symbols.map((symbol) => first.assign({ symbol }).featureFlag.variant);
            const backward = [...symbols]
              .reverse()
              .map((symbol) => second.assign({ symbol }).featureFlag.variant)
              .reverse();
            expect(backward).toEqual(forward);
          },
        ),
      );
    });

    it('per symbol: a symbol keeps its version across decisions', () => {
      const split = createAbSplit({ key: 'grid-spacing', seed: 7, unit: 'symbol', variants });
      for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDC:USDC']) {
        const chosen = new Set(
          Array.from({ length: 20 }, (_, i) => split.assign({ symbol, decisionId: `d${i}` }).strategy.version),
        );
        expect(chosen.size).toBe(1);
      }
    });

    it('per decision: follows the weights (3:1) within sampling error, and a different seed gives a different draw', () => {
      const draw = (seed: number) => {
        const split = createAbSplit({ key: 'grid-spacing', seed, unit: 'decision', variants });
        return Array.from(
          { length: 4000 },
          (_, i) => split.assign({ symbol: 'BTC/USDT', decisionId: `decision-${i}` }).featureFlag.variant,
        );
      };
      const a = draw(1);
      const share = a.filter((v) => v === 'treatment').length / a.length;
      // Binomial(4000, 0.25): sd ≈ 0.0068, so ±0.035 is more than 5 sd.
      expect(share).toBeGreaterThan(0.25 - 0.035);
      expect(share).toBeLessThan(0.25 + 0.035);
      expect(draw(2)).not.toEqual(a);
    });

    it('never picks a variant of weight 0, and rejects bad options with a message naming them', () => {
      const split = createAbSplit({
        key: 'k',
        seed: 's',
        unit: 'decision',
        variants: [
          { name: 'off', weight: 0, version: control },
          { name: 'on', weight: 1, version: treatment },
        ],
      });
      for (let i = 0; i < 200; i++)
        expect(split.assign({ symbol: 'X', decisionId: String(i) }).featureFlag.variant).toBe('on');
      expect(() =>
        createAbSplit({ key: 'k', seed: 1, unit: 'symbol', variants: [{ name: 'a', weight: 0, version: control }] }),
      ).toThrow(/positive weight/);
      expect(() =>
        createAbSplit({
          key: 'k',
          seed: 1,
          unit: 'symbol',
          variants: [
            { name: 'a', weight: 1, version: control },
            { name: 'a', weight: 1, version: treatment },
          ],
        }),
      ).toThrow(/unique/);
    });
  });
});

describe('A/B assignment on decision spans', () => {
  const exporter = new InMemorySpanExporter();
  const tt = init({ serviceName: 'ab-test-bot', exporter, scheduledDelayMillis: 0, shutdownOnExit: false });
  afterAll(() => tt.shutdown());

  it('records feature_flag.key / feature_flag.result.variant and the assigned version on each decision span', async () => {
    const split = createAbSplit({ key: 'grid-spacing', seed: 3, unit: 'decision', variants });
    const expected: Record<string, { variant: string; version: string }> = {};
    for (let i = 0; i < 12; i++) {
      const decisionId = `d-${i}`;
      const assignment = split.assign({ symbol: 'ETH/USDT', decisionId });
      expected[decisionId] = { variant: assignment.featureFlag.variant, version: assignment.strategy.version };
      await tt.runStrategy(
        assignment.strategy,
        () => tt.decide({ id: decisionId, symbol: 'ETH/USDT' }, async () => ({ action: 'hold' as const })),
        { featureFlag: assignment.featureFlag },
      );
    }
    await tt.forceFlush();
    const spans = exporter.getFinishedSpans().filter((span) => span.attributes['trading.operation.name'] === 'decide');
    expect(spans).toHaveLength(12);
    for (const span of spans) {
      const want = expected[String(span.attributes['trading.decision.id'])]!;
      expect(span.attributes).toMatchObject({
        'feature_flag.key': 'grid-spacing',
        'feature_flag.result.variant': want.variant,
        'trading.strategy.name': 'grid',
        'trading.strategy.version': want.version,
      });
    }
    expect(new Set(spans.map((span) => span.attributes['feature_flag.result.variant']))).toEqual(
      new Set(['control', 'treatment']),
    );
  });
});
