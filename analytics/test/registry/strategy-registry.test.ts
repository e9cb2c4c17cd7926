import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strategyVersionId } from '@tradetrace/sdk';
import { openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateVersion,
  addVersion,
  diffVersions,
  getActiveVersion,
  listVersions,
  readAuditTrail,
  rollbackVersion,
  showVersion,
} from '../../src/registry/strategy-registry.ts';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tt-registry-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

const V1 = { threshold: 0.5, model: 'gpt-4o-mini', risk: { max_leverage: 2 } };
const V2 = { threshold: 0.6, model: 'gpt-4o-mini', risk: { max_leverage: 3, stop_loss: 0.02 } };
const V3 = { threshold: 0.7, model: 'deepseek-chat', risk: { max_leverage: 3 } };

describe('strategy registry', () => {
  describe('.addVersion', () => {
    it('gives a version the content hash of its config, as the SDK does', async () => {
      const { record, created } = await addVersion(storage, {
        strategyName: 'mean-revert',
        config: V1,
        note: 'baseline',
        author: 'ana',
      });
      expect(created).toBe(true);
      expect(record.version).toBe(strategyVersionId(V1));
      expect(record.config).toEqual(V1);
      expect(record.parentVersion).toBeNull();
    });

    it('is immutable: the same config (keys in another order) is the same version, stored once, unchanged', async () => {
      const reordered = { risk: { max_leverage: 2 }, model: 'gpt-4o-mini', threshold: 0.5 };
      const again = await addVersion(storage, {
        strategyName: 'mean-revert',
        config: reordered,
        note: 'an attempt to overwrite the note',
        author: 'bob',
      });
      expect(again.created).toBe(false);
      expect(again.record.note).toBe('baseline');
      expect(again.record.author).toBe('ana');
      const all = await listVersions(storage, 'mean-revert');
      expect(all.filter((v) => v.version === strategyVersionId(V1))).toHaveLength(1);
    });

    it('records the parent (full id from a prefix) and refuses an unknown parent', async () => {
      const { record } = await addVersion(storage, {
        strategyName: 'mean-revert',
        config: V2,
        parentVersion: strategyVersionId(V1).slice(0, 5),
        author: 'ana',
      });
      expect(record.parentVersion).toBe(strategyVersionId(V1));
      await expect(
        addVersion(storage, { strategyName: 'mean-revert', config: V3, parentVersion: 'ffffffffffff' }),
      ).rejects.toMatchObject({ code: 'TT_ANALYTICS_VERSION_NOT_FOUND' });
    });

    it('rejects a config that is not a JSON object, naming the field', async () => {
      await expect(addVersion(storage, { strategyName: '', config: V3 })).rejects.toThrow(/strategyName/);
      await expect(addVersion(storage, { strategyName: 'x', config: [1, 2] as never })).rejects.toMatchObject({
        code: 'TT_ANALYTICS_BAD_INPUT',
      });
    });
  });

  describe('.showVersion', () => {
    it('finds a version by a unique prefix and names the problem otherwise', async () => {
      const id = strategyVersionId(V2);
      expect((await showVersion(storage, 'mean-revert', id.slice(0, 6))).version).toBe(id);
      await expect(showVersion(storage, 'mean-revert', 'zzzz')).rejects.toThrow(/no such version/);
    });

    it('lists the registered candidates when the id is unknown', async () => {
      await expect(showVersion(storage, 'mean-revert', 'zzzz')).rejects.toThrow(
        new RegExp(`known: .*${strategyVersionId(V2)}`),
      );
    });
  });

  describe('.diffVersions', () => {
    it('lists field-by-field changes', async () => {
      const changes = await diffVersions(storage, 'mean-revert', strategyVersionId(V1), strategyVersionId(V2));
      expect(changes).toEqual([
        { path: 'risk.max_leverage', kind: 'changed', from: 2, to: 3 },
        { path: 'risk.stop_loss', kind: 'added', to: 0.02 },
        { path: 'threshold', kind: 'changed', from: 0.5, to: 0.6 },
      ]);
    });
  });

  describe('activation, rollback and the audit trail', () => {
    it('has no active version before an activation, and nothing to roll back', async () => {
      expect(await getActiveVersion(storage, 'mean-revert')).toBeNull();
      await expect(rollbackVersion(storage, { strategyName: 'mean-revert', actor: 'ana' })).rejects.toMatchObject({
        code: 'TT_ANALYTICS_NOTHING_TO_ROLL_BACK',
      });
    });

    it('activates, and a rollback re-activates the previously active version, recorded as a rollback', async () => {
      await addVersion(storage, { strategyName: 'mean-revert', config: V3, author: 'ana' });
      const [v1, v2, v3] = [V1, V2, V3].map(strategyVersionId) as [string, string, string];
      await activateVersion(storage, { strategyName: 'mean-revert', version: v1, actor: 'ana', reason: 'first' });
      await activateVersion(storage, { strategyName: 'mean-revert', version: v2, actor: 'ana', reason: 'try v2' });
      await activateVersion(storage, { strategyName: 'mean-revert', version: v3, actor: 'bob', reason: 'try v3' });
      expect((await getActiveVersion(storage, 'mean-revert'))?.version).toBe(v3);

      const first = await rollbackVersion(storage, { strategyName: 'mean-revert', actor: 'ops', reason: 'drawdown' });
      expect(first).toMatchObject({
        action: 'rollback',
        version: v2,
        previousVersion: v3,
        actor: 'ops',
        reason: 'drawdown',
      });
      const active = await getActiveVersion(storage, 'mean-revert');
      expect(active?.version).toBe(v2);
      expect(active?.config).toEqual(V2);

      await rollbackVersion(storage, { strategyName: 'mean-revert', actor: 'ops', reason: 'still bad' });
      expect((await getActiveVersion(storage, 'mean-revert'))?.version).toBe(v1);
      await expect(rollbackVersion(storage, { strategyName: 'mean-revert', actor: 'ops' })).rejects.toMatchObject({
        code: 'TT_ANALYTICS_NOTHING_TO_ROLL_BACK',
      });
    });

    it('keeps every add, activation and rollback in order, append-only', async () => {
      const trail = await readAuditTrail(storage, 'mean-revert');
      expect(trail.map((e) => e.action)).toEqual([
        'add',
        'add',
        'add',
        'activate',
        'activate',
        'activate',
        'rollback',
        'rollback',
      ]);
      const times = trail.map((e) => e.at);
      expect([...times].sort()).toEqual(times);
      expect(new Set(times).size).toBe(times.length);
      // Activating the already active version adds nothing.
      const v1 = strategyVersionId(V1);
      expect(await activateVersion(storage, { strategyName: 'mean-revert', version: v1, actor: 'ana' })).toBeNull();
      expect(await readAuditTrail(storage, 'mean-revert')).toHaveLength(trail.length);
    });

    it('refuses to activate an unknown version', async () => {
      await expect(
        activateVersion(storage, { strategyName: 'mean-revert', version: 'abcdef123456', actor: 'ana' }),
      ).rejects.toMatchObject({ code: 'TT_ANALYTICS_VERSION_NOT_FOUND' });
    });
  });
});
