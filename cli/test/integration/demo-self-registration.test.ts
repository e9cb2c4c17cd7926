import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listUnregisteredVersions, listVersions } from '@tradetrace/analytics';
import { runDemo } from '@tradetrace/demo';
import { openStorage } from '@tradetrace/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { QUERY_API_ROUTES } from '../../src/query-api/query-api-routes.ts';

describe('the demo as `tradetrace demo` runs it', () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-demo-registry-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('leaves every version it ran in the registry with its config, with no manual step', async () => {
    const dataPath = join(root, 'demo');
    const result = await runDemo({
      dataPath,
      candles: 30,
      seed: 5,
      log: () => {},
      collectorRoutes: [...QUERY_API_ROUTES],
    });
    const ran = result.versions!.map((v) => v.strategy_version).sort();
    expect(ran).toHaveLength(3);
    const storage = await openStorage({ dataPath });
    try {
      const registered = await listVersions(storage, 'momentum');
      expect(registered.map((v) => v.version).sort()).toEqual(ran);
      expect(registered.every((v) => v.author === 'bot demo-1' && !v.configRedacted)).toBe(true);
      expect(new Set(registered.map((v) => (v.config as { engine: string }).engine))).toEqual(new Set(['rule', 'llm']));
      expect(await listUnregisteredVersions(storage, 'momentum')).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});
