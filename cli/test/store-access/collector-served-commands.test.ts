import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_ACCESS_FILE } from '@tradetrace/collector';
import { runDemo, RULE_CONFIG, LLM_CONFIG, LLM_SAMPLED_CONFIG, momentum } from '@tradetrace/demo';
import { runCli } from '../../src/main.ts';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));

/**
 * Runs the CLI in this process and returns what it printed. The collector runs as another process, so a command that
 * tried to open the folder itself would meet its lock: passing here means the collector served it.
 */
async function ok(...args: string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  let code: number;
  try {
    code = await runCli(['node', 'tradetrace', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  expect(code, err.join('')).toBe(0);
  return out.join('');
}

/** `tradetrace collector` as a process; resolves with its URL once it listens. */
async function startCollectorProcess(data: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'collector', '--port', '0', '--data', data], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { url?: string; msg?: string };
    if (entry.url && entry.msg?.startsWith('collector listening')) return { child, url: entry.url };
  }
  throw new Error('the collector exited before listening');
}

describe('commands on a folder whose collector is running', () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-served-'));
  const data = join(root, 'data');
  const rule = momentum.version(RULE_CONFIG).version;
  const llm = momentum.version(LLM_CONFIG).version;
  const sampled = momentum.version(LLM_SAMPLED_CONFIG).version;
  let collector: { child: ChildProcess; url: string } | undefined;

  const stopCollector = async () => {
    const exited = new Promise((resolve) => collector!.child.once('exit', resolve));
    collector!.child.kill('SIGTERM');
    await exited;
    collector = undefined;
  };

  beforeAll(async () => {
    collector = await startCollectorProcess(data);
    // The demo's shutdown flushes its spans; the collector acknowledges only what it spooled.
    await runDemo({ endpoint: collector.url, candles: 60, log: () => {} });
    // Acknowledged means spooled; wait until the spool is inserted, so both runs read the same rows.
    for (;;) {
      const metrics = await (await fetch(`${collector.url}/metrics`)).text();
      if (/^tradetrace_collector_spool_records 0$/m.test(metrics)) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    writeFileSync(join(root, 'rule.json'), JSON.stringify(RULE_CONFIG));
    writeFileSync(join(root, 'llm.json'), JSON.stringify(LLM_CONFIG));
  }, 300_000);

  afterAll(async () => {
    if (collector) await stopCollector();
    rmSync(root, { recursive: true, force: true });
  });

  /** Every read command, with its output as it is compared between the two runs. */
  async function readEverything(tag: string) {
    const jsonl = join(root, `${tag}.jsonl`);
    const parquet = join(root, `${tag}.parquet`);
    const report = join(root, `${tag}.html`);
    const results = {
      stats: JSON.parse(await ok('stats', '--json', '--data', data)) as unknown,
      compare: JSON.parse(await ok('compare', rule.slice(0, 8), llm.slice(0, 8), '--json', '--data', data)) as unknown,
      versions: JSON.parse(await ok('versions', 'list', '--json', '--data', data)) as unknown,
      show: JSON.parse(await ok('versions', 'show', llm.slice(0, 10), '--strategy', 'momentum', '--data', data)),
      diff: await ok('versions', 'diff', rule, llm, '--strategy', 'momentum', '--data', data),
    };
    await ok('export', '--format', 'jsonl', '--out', jsonl, '--data', data, '--horizon', '5m');
    await ok('export', '--format', 'parquet', '--out', parquet, '--data', data);
    await ok('report', '--out', report, '--data', data);
    return { ...results, jsonl: readFileSync(jsonl, 'utf8'), parquet: readFileSync(parquet), report };
  }

  it('serves reads and registry changes; a stopped folder then answers the same', { timeout: 600_000 }, async () => {
    expect(statSync(join(data, LOCAL_ACCESS_FILE)).mode & 0o777).toBe(0o600);
    // The demo's bot registered the versions it ran by itself (the SDK's registration span, confirmed by the collector).
    const seen = JSON.parse(await ok('versions', 'list', '--json', '--data', data)) as {
      version: string;
      registered: boolean;
      author?: string;
    }[];
    expect(seen.map((v) => [v.version, v.registered, v.author]).sort()).toEqual(
      [
        [llm, true, 'bot demo-1'],
        [rule, true, 'bot demo-1'],
        [sampled, true, 'bot demo-1'],
      ].sort(),
    );
    // Registry changes go through the collector's admin API, with who and why in the audit trail.
    expect(
      (
        await ok('versions', 'add', '--strategy', 'momentum', '--config', join(root, 'rule.json'), '--data', data)
      ).trim(),
    ).toBe(rule);
    await ok(
      'versions',
      'add',
      '--strategy',
      'momentum',
      '--config',
      join(root, 'llm.json'),
      '--parent',
      rule.slice(0, 8),
      '--data',
      data,
    );
    await ok(
      'versions',
      'activate',
      rule.slice(0, 8),
      '--strategy',
      'momentum',
      '--actor',
      'ana',
      '--reason',
      'baseline',
      '--data',
      data,
    );
    await ok(
      'versions',
      'promote',
      llm.slice(0, 8),
      '--force',
      '--strategy',
      'momentum',
      '--actor',
      'ana',
      '--reason',
      'try the llm',
      '--data',
      data,
    );
    // Running bots see it through the active-version poller's route, as before.
    const active = (await (await fetch(`${collector!.url}/api/v1/strategies/momentum/active`)).json()) as {
      version: string;
    };
    expect(active.version).toBe(llm);

    const served = await readEverything('served');
    expect(served.show).toMatchObject({ version: llm, active: true });
    const promotion = (served.show as { audit: { action: string; actor: string; reason: string }[] }).audit.find(
      (entry) => entry.action === 'promote',
    );
    expect(promotion).toMatchObject({ actor: 'ana', reason: expect.stringContaining('try the llm') });
    expect((served.stats as unknown[]).length).toBeGreaterThan(0);
    // Adding a config a bot registered already changes nothing: still the three versions.
    const listed = served.versions as { version: string; registered: boolean }[];
    expect(listed.map((v) => [v.version, v.registered]).sort()).toEqual(
      [
        [rule, true],
        [llm, true],
        [sampled, true],
      ].sort(),
    );
    expect(served.jsonl.split('\n').length).toBeGreaterThan(10);
    // Read in pages of three decisions (each page one statement, inserts between them): the same lines.
    const paged = await fetch(`${collector!.url}/api/v1/triplets?horizon=300&page_rows=3`);
    expect(await paged.text()).toBe(served.jsonl);
    const badPage = await fetch(`${collector!.url}/api/v1/triplets?page_rows=0`);
    expect(badPage.status).toBe(400);
    expect(await badPage.text()).toContain('page_rows');

    await stopCollector();
    expect(existsSync(join(data, LOCAL_ACCESS_FILE))).toBe(false);

    const stopped = await readEverything('stopped');
    expect(served.stats).toEqual(stopped.stats);
    expect(served.compare).toEqual(stopped.compare);
    expect(served.versions).toEqual(stopped.versions);
    expect(served.show).toEqual(stopped.show);
    expect(served.diff).toBe(stopped.diff);
    expect(served.jsonl).toBe(stopped.jsonl);
    expect(served.parquet.equals(stopped.parquet)).toBe(true);
    // The page says when it was made; and the engine's multi-threaded float sums (LLM cost, P&L and reward sums per
    // symbol) differ in the last bits between any two runs, collector or not: compare fields to 12 significant digits.
    const html = (file: string) =>
      readFileSync(file, 'utf8')
        .replace(/("generatedAt":"|Generated )\d{4}-[\d-]+T[\d:.]+Z/g, '$1')
        .replace(/":(-?\d+\.\d+(?:e[-+]?\d+)?)/g, (_, n: string) => `":${Number(n).toPrecision(12)}`);
    expect(html(served.report)).toBe(html(stopped.report));
  });
});
