import { describe, expect, it } from 'vitest';
import { checkPromotionGate, PromotionGateSchema, type GateEvidence } from '../../src/search/promotion-gate.ts';

const GATE = PromotionGateSchema.parse({});
const PASSING: GateEvidence = {
  dsr: 0.97,
  pbo: 0.2,
  outOfSampleSharpe: 0.1,
  outOfSampleCandles: 200,
  minTrl: 150,
  active: undefined,
  interrupted: false,
};
const failed = (evidence: Partial<GateEvidence>) =>
  checkPromotionGate({ ...PASSING, ...evidence }, GATE)
    .filter((c) => !c.passed)
    .map((c) => c.test);

describe('checkPromotionGate', () => {
  it('passes only when every test passes, with the defaults DSR ≥ 0.95 and PBO < 0.5', () => {
    expect(failed({})).toEqual([]);
    expect(failed({ dsr: 0.949 })).toEqual(['dsr']);
    expect(failed({ dsr: 0.95 })).toEqual([]);
    expect(failed({ pbo: 0.5 })).toEqual(['pbo']);
    expect(failed({ pbo: null })).toEqual(['pbo']);
    expect(failed({ outOfSampleSharpe: 0 })).toEqual(['out_of_sample_sharpe']);
    expect(failed({ minTrl: 201 })).toEqual(['track_record']);
    expect(failed({ minTrl: null })).toEqual(['track_record']);
    expect(failed({ interrupted: true })).toEqual(['complete']);
  });

  it('asks the selected version to beat the active one on the same holdout', () => {
    expect(failed({ active: { version: 'a', sharpe: 0.1, isSelected: false } })).toEqual(['beats_active']);
    expect(failed({ active: { version: 'a', sharpe: 0.09, isSelected: false } })).toEqual([]);
    expect(failed({ active: { version: 'a', sharpe: 0.5, isSelected: true } })).toEqual([]);
  });

  it('takes other thresholds', () => {
    const strict = PromotionGateSchema.parse({ minDsr: 0.99, maxPbo: 0.1 });
    const checks = checkPromotionGate(PASSING, strict).filter((c) => !c.passed);
    expect(checks.map((c) => c.test)).toEqual(['dsr', 'pbo']);
    expect(checks[0]!.detail).toBe('deflated Sharpe ratio 0.970 (needs ≥ 0.99)');
  });
});
