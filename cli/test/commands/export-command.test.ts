import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { init } from '@tradetrace/sdk';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { readTripletsCsv, readTripletsJsonl, readTripletsParquet, type Triplet } from '@tradetrace/adapters';
import { openStorage } from '@tradetrace/storage';
import { runCli } from '../../src/main.ts';
import { tripletsRoute } from '../../src/query-api/triplets-route.ts';

const READ = 'read-token-for-export';
const INGEST = 'ingest-token-for-export';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Runs the CLI in this process; returns the exit code and what it wrote to stderr. */
async function tradetrace(...args: string[]): Promise<{ code: number; stderr: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    return { code: await runCli(['node', 'tradetrace', ...args]), stderr: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('tradetrace export', () => {
  const dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-export-'));
  const out = mkdtempSync(join(tmpdir(), 'tradetrace-export-out-'));
  let collector: RunningCollector | undefined;

  beforeAll(async () => {
    collector = await startCollector(
      { port: 0, dataPath, authTokens: `${INGEST},read:${READ}` },
      { routes: [tripletsRoute] },
    );
    const tt = init({
      serviceName: 'export-bot',
      endpoint: collector.url,
      protocol: 'http/protobuf',
      scheduledDelayMillis: 10,
      headers: { authorization: `Bearer ${INGEST}` },
    });
    for (const [i, version] of ['v1', 'v2', 'v2', 'v2'].entries()) {
      await tt.decide(
        {
          strategy: { name: 'momentum', version },
          symbol: 'BTC/USDT',
          kind: 'rule',
          id: `e-${i}`,
          mode: 'paper',
          context: { price: 100 + i },
        },
        async () => ({ action: 'buy' as const }),
      );
      if (i !== 3) tt.emitReward({ decisionId: `e-${i}`, value: i + 0.5 });
    }
    await tt.shutdown();
    expect(await collector.drain(10_000)).toBe(true);
  });

  afterAll(async () => {
    await collector?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  it('reads from a running collector with --endpoint, filters and token passed through', async () => {
    const file = join(out, 'endpoint.csv');
    const run = await tradetrace(
      'export',
      '--endpoint',
      collector!.url,
      '--token',
      READ,
      '--format',
      'csv',
      '--out',
      file,
      '--strategy-version',
      'v2',
      '--only-rewarded',
    );
    expect(run).toMatchObject({ code: 0 });
    const triplets = await collect(readTripletsCsv(file));
    expect(triplets.map((t) => [t.decision_id, t.reward.value, t.reward.match])).toEqual([
      ['e-1', 1.5, 'decision_id'],
      ['e-2', 2.5, 'decision_id'],
    ]);
  });

  it('names the process when another one that is not a serving collector holds the data folder', async () => {
    // The collector above runs in this very process, which the lock lets in; hold a folder from a real second process.
    const held = mkdtempSync(join(tmpdir(), 'tradetrace-held-'));
    // A store in it, made by another process: chDB opens one folder per process and this one has the collector's.
    const made = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { openStorage } from '@tradetrace/storage'; await (await openStorage({ dataPath: process.argv[1] })).close();",
        held,
      ],
      { encoding: 'utf8' },
    );
    expect(made.status, made.stderr).toBe(0);
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(held, 'tradetrace.lock'), String(holder.pid));
      const run = await tradetrace('export', '--data', held, '--format', 'jsonl', '--out', join(out, 'locked.jsonl'));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`in use by process ${holder.pid}`);
    } finally {
      holder.kill();
      rmSync(held, { recursive: true, force: true });
    }
  });

  it('names a bad flag', async () => {
    const run = await tradetrace('export', '--endpoint', collector!.url, '--format', 'xml');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--format: must be one of jsonl, csv, parquet/);
    expect((await tradetrace('export', '--endpoint', collector!.url, '--since', 'yesterday')).stderr).toMatch(
      /--since: must be an RFC 3339 time/,
    );
    expect(
      (await tradetrace('export', '--endpoint', collector!.url, '--token', READ, '--reward-fn', './reward.ts')).stderr,
    ).toMatch(/--reward-fn: the module \.\/reward\.ts would run inside the collector, which runs presets only/);
  });

  it('reads the data folder once the collector is gone: jsonl with options, and Parquet written by the engine', async () => {
    await collector!.close();
    collector = undefined;
    const jsonl = join(out, 'data.jsonl');
    expect(
      (
        await tradetrace(
          'export',
          '--data',
          dataPath,
          '--format',
          'jsonl',
          '--out',
          jsonl,
          '--reward-rule',
          'sum',
          '--horizon',
          '1s',
        )
      ).code,
    ).toBe(0);
    const triplets: Triplet[] = await collect(readTripletsJsonl(jsonl));
    expect(triplets.map((t) => t.decision_id)).toEqual(['e-0', 'e-1', 'e-2', 'e-3']);
    expect(triplets[3]!.reward).toMatchObject({ value: null, match: 'none' });
    expect(triplets.every((t) => t.outcome.horizon_s === 1)).toBe(true);

    const parquet = join(out, 'data.parquet');
    const run = await tradetrace(
      'export',
      '--data',
      dataPath,
      '--format',
      'parquet',
      '--out',
      parquet,
      '--symbol',
      'BTC/USDT',
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('wrote 4 parquet records');
    const storage = await openStorage({ dataPath });
    try {
      const back = await collect(readTripletsParquet(storage, parquet));
      expect(back.map((t) => t.decision_id)).toEqual(['e-0', 'e-1', 'e-2', 'e-3']);
      expect(back[0]!.context).toEqual({ price: 100 });
    } finally {
      await storage.close();
    }
    expect(readFileSync(parquet).subarray(0, 4).toString()).toBe('PAR1');
  });
});
