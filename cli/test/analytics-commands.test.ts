import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strategyVersionId } from '@tradetrace/sdk';
import { openStorage, runMigrations } from '@tradetrace/storage';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('analytics commands (as a process)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-analytics-cli-'));
  const data = join(root, 'data');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('versions add prints the content-hash id; stats --json reads the same folder', async () => {
    // Only a collector creates a store; here one made it and stopped.
    const storage = await openStorage({ dataPath: data });
    await runMigrations(storage);
    await storage.close();
    const config = { lookback: 20, risk: { stop: 0.02 } };
    writeFileSync(join(root, 'v1.json'), JSON.stringify(config));
    const added = run(
      'versions',
      'add',
      '--strategy',
      'momentum',
      '--config',
      join(root, 'v1.json'),
      '--note',
      'baseline',
      '--data',
      data,
    );
    expect(added.stderr).toMatch(/added momentum@/);
    expect(added.status).toBe(0);
    expect(added.stdout.trim()).toBe(strategyVersionId(config));

    const stats = run('stats', '--json', '--data', data);
    expect(stats.status).toBe(0);
    expect(JSON.parse(stats.stdout)).toEqual([]);
  });

  it('names the bad flag or the bad CSV line, with no stack trace', () => {
    const since = run('stats', '--since', 'yesterday', '--data', data);
    expect(since.status).toBe(1);
    expect(since.stderr).toMatch(/--since: must be an ISO 8601 date-time/);

    writeFileSync(
      join(root, 'bad.csv'),
      'timestamp,open,high,low,close,volume\n1700000000000,10,11,9,10,1\n1700000060000,10,9,9,10,1\n',
    );
    writeFileSync(join(root, 'c.json'), '{}');
    const backtest = run(
      'backtest',
      '--bot',
      'bot.ts',
      '--csv',
      join(root, 'bad.csv'),
      '--config',
      join(root, 'c.json'),
      '--data',
      data,
    );
    expect(backtest.status).toBe(1);
    expect(backtest.stderr).toMatch(/bad\.csv line 3: high must be ≥ open, close and low/);
    expect(backtest.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
