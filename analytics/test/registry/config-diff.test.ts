import { describe, expect, it } from 'vitest';
import { diffConfigs } from '../../src/registry/config-diff.ts';

describe('diffConfigs', () => {
  it('walks objects and arrays and reports added, removed and changed fields by path', () => {
    expect(
      diffConfigs(
        { model: 'gpt-4o', symbols: ['BTC', 'ETH'], risk: { stop: 0.01, trail: true }, prompt: 'a' },
        { model: 'gpt-4o', symbols: ['BTC', 'SOL', 'ETH'], risk: { stop: 0.02 }, temperature: 0.2, prompt: 'a' },
      ),
    ).toEqual([
      { path: 'risk.stop', kind: 'changed', from: 0.01, to: 0.02 },
      { path: 'risk.trail', kind: 'removed', from: true },
      { path: 'symbols.1', kind: 'changed', from: 'ETH', to: 'SOL' },
      { path: 'symbols.2', kind: 'added', to: 'ETH' },
      { path: 'temperature', kind: 'added', to: 0.2 },
    ]);
  });

  it('reports a change of type as one change, and nothing for equal configs', () => {
    expect(diffConfigs({ a: { b: 1 } }, { a: [1] })).toEqual([{ path: 'a', kind: 'changed', from: { b: 1 }, to: [1] }]);
    expect(diffConfigs({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
  });
});
