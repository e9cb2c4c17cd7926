import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertSpanRows, openStorage, runMigrations, type SpanRow, type Storage } from '@tradetrace/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyAutoRollbackRule } from '../../src/comparison/auto-rollback-rule.ts';
import { compareVersions } from '../../src/comparison/compare-versions.ts';
import { promoteVersion } from '../../src/comparison/promote-version.ts';
import { activateVersion, addVersion, getActiveVersion, readAuditTrail } from '../../src/registry/strategy-registry.ts';
import { tradeRows } from '../support/trading-span-rows.ts';

let dataPath: string;
let storage: Storage;
const ids: Record<'flat' | 'strong' | 'young' | 'weak' | 'crashing', string> = {
  flat: '',
  strong: '',
  young: '',
  weak: '',
  crashing: '',
};

function returns(seed: number, count: number, drift: number, spread: number): number[] {
  let state = seed;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () => drift + (next() - 0.5) * spread);
}

async function storeTrades(version: string, series: number[], startMs: number): Promise<void> {
  const rows: SpanRow[] = [];
  series.forEach((r, i) => {
    rows.push(
      ...tradeRows({
        strategy: 'gamma',
        version,
        mode: 'paper',
        decisionId: `${version}-${startMs}-${i}`,
        atMs: startMs + i * 1000,
        realizedReturn: r,
        realizedPnl: r * 100,
        reward: r,
      }),
    );
  });
  await insertSpanRows(storage, rows);
}

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tt-compare-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
  const configs = {
    flat: { edge: 0 },
    strong: { edge: 1 },
    young: { edge: 2 },
    weak: { edge: -1 },
    crashing: { edge: -5 },
  };
  for (const [key, config] of Object.entries(configs))
    ids[key as keyof typeof ids] = (
      await addVersion(storage, { strategyName: 'gamma', config, author: 'test' })
    ).record.version;
  const past = Date.parse('2026-01-01T00:00:00Z');
  await storeTrades(ids.flat, returns(1, 120, 0, 0.02), past);
  await storeTrades(ids.strong, returns(2, 120, 0.012, 0.02), past);
  await storeTrades(ids.young, returns(3, 8, 0.012, 0.02), past);
  await storeTrades(ids.weak, returns(4, 120, -0.012, 0.02), past);
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

describe('compareVersions', () => {
  it('says "promote B" when B is better beyond the bootstrap interval and its track record is long enough', async () => {
    const c = await compareVersions(storage, { strategyName: 'gamma', a: ids.flat, b: ids.strong });
    expect(c.verdict).toBe('promote B');
    expect(c.sharpe_difference.lower).toBeGreaterThan(0);
    expect(c.sharpe_difference.estimate).toBeCloseTo(c.b.sharpe! - c.a.sharpe!, 12);
    expect(c.mean_reward_difference!.estimate).toBeGreaterThan(0);
    expect(c.b.trades).toBeGreaterThan(c.b.min_trl!);
    expect(c.a.dsr).not.toBeNull();
    expect(c.reasons.join('\n')).toMatch(/Sharpe difference B − A/);
  });

  it('says "keep A" when A is better beyond the interval', async () => {
    const c = await compareVersions(storage, { strategyName: 'gamma', a: ids.flat, b: ids.weak });
    expect(c.verdict).toBe('keep A');
    expect(c.sharpe_difference.upper).toBeLessThan(0);
  });

  it('says "not enough evidence" with too few trades, and how many are needed', async () => {
    const c = await compareVersions(storage, { strategyName: 'gamma', a: ids.flat, b: ids.young });
    expect(c.verdict).toBe('not enough evidence');
    expect(c.reasons.join('\n')).toMatch(/too few closed trades: A 120, B 8/);
    expect(c.trades_needed_for_verdict).toBeGreaterThan(8);
  });

  it('is reproducible: the same seed gives the same interval', async () => {
    const first = await compareVersions(storage, { strategyName: 'gamma', a: ids.flat, b: ids.strong, seed: 5 });
    const second = await compareVersions(storage, { strategyName: 'gamma', a: ids.flat, b: ids.strong, seed: 5 });
    expect(second.sharpe_difference).toEqual(first.sharpe_difference);
  });
});

describe('promoteVersion', () => {
  it('refuses with no active version to compare against unless forced with a reason, which the audit trail keeps', async () => {
    const version = (await addVersion(storage, { strategyName: 'fresh', config: { edge: 3 }, author: 'test' })).record
      .version;
    await expect(promoteVersion(storage, { strategyName: 'fresh', version, actor: 'ana' })).rejects.toMatchObject({
      code: 'TT_ANALYTICS_PROMOTION_WITHOUT_EVIDENCE',
      message: expect.stringMatching(/fresh has no active version to compare it with/),
    });
    await expect(
      promoteVersion(storage, { strategyName: 'fresh', version, actor: 'ana', force: true }),
    ).rejects.toMatchObject({ code: 'TT_ANALYTICS_BAD_INPUT' });
    expect(await getActiveVersion(storage, 'fresh')).toBeNull();

    const forced = await promoteVersion(storage, {
      strategyName: 'fresh',
      version,
      actor: 'ana',
      reason: 'first version, paper-traded a week',
      force: true,
    });
    expect(forced.comparison).toBeNull();
    expect((await getActiveVersion(storage, 'fresh'))?.version).toBe(version);
    expect((await readAuditTrail(storage, 'fresh')).at(-1)).toMatchObject({
      action: 'promote',
      version,
      actor: 'ana',
      reason: 'first version, paper-traded a week; forced: no active version to compare against',
    });
  });

  it('refuses without evidence unless forced, and records the verdict in the audit trail', async () => {
    await activateVersion(storage, { strategyName: 'gamma', version: ids.flat, actor: 'ana' });
    await expect(
      promoteVersion(storage, { strategyName: 'gamma', version: ids.young, actor: 'ana' }),
    ).rejects.toMatchObject({ code: 'TT_ANALYTICS_PROMOTION_WITHOUT_EVIDENCE' });
    expect((await getActiveVersion(storage, 'gamma'))?.version).toBe(ids.flat);

    const forced = await promoteVersion(storage, {
      strategyName: 'gamma',
      version: ids.young,
      actor: 'ana',
      reason: 'hunch',
      force: true,
    });
    expect(forced.entry?.reason).toMatch(/^hunch; verdict "not enough evidence" \(forced\)/);
    expect((await getActiveVersion(storage, 'gamma'))?.version).toBe(ids.young);

    await activateVersion(storage, {
      strategyName: 'gamma',
      version: ids.flat,
      actor: 'ana',
      reason: 'back to baseline',
    });
    const promoted = await promoteVersion(storage, { strategyName: 'gamma', version: ids.strong, actor: 'ana' });
    expect(promoted.comparison?.verdict).toBe('promote B');
    expect((await getActiveVersion(storage, 'gamma'))?.version).toBe(ids.strong);
    expect(
      (await readAuditTrail(storage, 'gamma')).filter((e) => e.action === 'promote').map((e) => e.version),
    ).toEqual([ids.young, ids.strong]);
  });
});

describe('applyAutoRollbackRule', () => {
  it('is off by default, waits for a full window, then rolls back a failing version and says why', async () => {
    await activateVersion(storage, {
      strategyName: 'gamma',
      version: ids.crashing,
      actor: 'ana',
      reason: 'experiment',
    });
    const after = Date.now() + 1000;
    expect(await applyAutoRollbackRule(storage, { strategyName: 'gamma', window: 30 })).toMatchObject({
      rolledBack: false,
      reason: 'rule disabled',
    });

    await storeTrades(ids.crashing, returns(9, 10, -0.01, 0.01), after);
    expect(await applyAutoRollbackRule(storage, { enabled: true, strategyName: 'gamma', window: 30 })).toMatchObject({
      rolledBack: false,
      reason: '10 trades since activation, 30 needed',
    });

    await storeTrades(ids.crashing, returns(10, 30, -0.01, 0.01), after + 100_000);
    const decision = await applyAutoRollbackRule(storage, { enabled: true, strategyName: 'gamma', window: 30 });
    expect(decision.rolledBack).toBe(true);
    expect(decision.entry).toMatchObject({
      action: 'rollback',
      version: ids.strong,
      previousVersion: ids.crashing,
      actor: 'auto-rollback',
    });
    expect(decision.reason).toMatch(/P\(Sharpe < 0\) = 1\.000/);
    expect((await getActiveVersion(storage, 'gamma'))?.version).toBe(ids.strong);
  });
});
