import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strategyVersionId } from '@tradetrace/sdk';
import { openStorage, runMigrations } from '@tradetrace/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { momentum } from './momentum-strategy.ts';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const MODULE = fileURLToPath(new URL('./momentum-strategy.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('versions add (as a process)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-versions-add-'));
  const data = join(root, 'data');
  const file = join(root, 'config.json');
  const written = { lookback: 30 };

  beforeAll(async () => {
    const storage = await openStorage({ dataPath: data });
    await runMigrations(storage);
    await storage.close();
    writeFileSync(file, JSON.stringify(written));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("with the strategy's module, applies its schema defaults: the id is the one the bot computes", () => {
    const added = run(
      'versions',
      'add',
      '--strategy',
      'momentum',
      '--config',
      file,
      '--module',
      MODULE,
      '--export',
      'momentum',
      '--data',
      data,
    );
    expect(added.stderr).toMatch(/added momentum@/);
    expect(added.stdout.trim()).toBe(momentum.version(written).version);
  });

  it('without it, hashes the JSON as written and says why a bot may compute another id', () => {
    const added = run('versions', 'add', '--strategy', 'momentum', '--config', file, '--data', data);
    expect(added.stdout.trim()).toBe(strategyVersionId(written));
    expect(added.stdout.trim()).not.toBe(momentum.version(written).version);
    expect(added.stderr).toMatch(/leaves out defaulted fields the bot's id differs/);
  });

  it('names the field a config the schema refuses gets wrong, with no stack trace', () => {
    writeFileSync(join(root, 'bad.json'), JSON.stringify({ lookback: 'long' }));
    const refused = run(
      'versions',
      'add',
      '--strategy',
      'momentum',
      '--config',
      join(root, 'bad.json'),
      '--module',
      MODULE,
      '--export',
      'momentum',
      '--data',
      data,
    );
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/config\.lookback/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });
});
