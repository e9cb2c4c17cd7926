import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startLlmTraderServer, USAGE } from '../../analytics/test/search/fixtures/llm-trader-server.ts';
import { syntheticCandles } from '../../analytics/test/search/fixtures/synthetic-market.ts';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const BOT = fileURLToPath(new URL('../../analytics/test/search/fixtures/momentum-bot.ts', import.meta.url));
const LLM_BOT = fileURLToPath(new URL('../../analytics/test/search/fixtures/llm-prompt-bot.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

/** The CLI as a process, asynchronously: the test's LLM server (in this process) must keep answering meanwhile. */
function runAsync(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// Every case spawns the CLI (and most start a collector on the embedded engine): slow on a busy machine.
describe('tradetrace optimize (as a process)', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-optimize-cli-'));
  const data = join(root, 'data');
  const csv = join(root, 'candles.csv');
  const space = join(root, 'space.json');
  writeFileSync(
    csv,
    [
      'timestamp,open,high,low,close,volume',
      ...syntheticCandles(300, { seed: 4, phi: 0 }).map((c) =>
        [c.timestamp, c.open, c.high, c.low, c.close, c.volume].join(','),
      ),
    ].join('\n'),
  );
  writeFileSync(space, JSON.stringify({ lookback: [1, 2], threshold: { min: 0, max: 0.002, step: 0.002 } }));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('--json prints trials, the selection, PBO, the promotion and the reasons; the trials are registered', () => {
    const args = ['--bot', BOT, '--csv', csv, '--space', space, '--seed', '3', '--cscv-blocks', '8', '--data', data];
    const result = run('optimize', ...args, '--json', '--promote', '--run-id', 'cli-run');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer.trials).toHaveLength(4);
    for (const trial of answer.trials) {
      expect(Object.keys(trial)).toEqual(['trial', 'version', 'config', 'in_sample', 'out_of_sample']);
      expect(trial.in_sample).toHaveProperty('dsr');
      expect(trial.out_of_sample).toHaveProperty('sharpe');
    }
    expect(answer.selected).toMatchObject({ trials: 4 });
    expect(answer.selected).toHaveProperty('dsr');
    expect(answer.selected).toHaveProperty('psr');
    expect(answer.selected).toHaveProperty('min_trl');
    expect(answer.pbo).toMatchObject({ blocks: 8, combinations: 70 });
    expect(answer.promoted).toBeNull();
    expect(answer.reasons.length).toBeGreaterThan(0);

    const versions = run('versions', 'list', '--strategy', 'momentum', '--json', '--data', data);
    expect(
      JSON.parse(versions.stdout)
        .map((v: { version: string }) => v.version)
        .sort(),
    ).toEqual(answer.trials.map((t: { version: string }) => t.version).sort());
    const stats = run('stats', '--mode', 'backtest', '--json', '--data', data);
    expect(
      JSON.parse(stats.stdout).filter((s: { strategy_name: string }) => s.strategy_name === 'momentum'),
    ).toHaveLength(4);
  });

  it('names the bad flag before running anything', () => {
    const base = ['optimize', '--bot', BOT, '--csv', csv, '--space', space, '--data', data];
    expect(run(...base, '--holdout', '1.5').stderr).toMatch(/--holdout: must be between 0 and 1/);
    expect(run(...base, '--cscv-blocks', '5').stderr).toMatch(/--cscv-blocks: must be even/);
    expect(run(...base, '--search', 'anneal').stderr).toMatch(/--search: /);
    expect(run(...base, '--csv', csv, '--symbol', 'A/B').stderr).toMatch(/--symbol: 1 symbols for 2 --csv files/);
    const missing = run('optimize', '--bot', join(root, 'nope.js'), '--csv', csv, '--space', space, '--data', data);
    expect(missing.stderr).toMatch(/cannot import the bot module .*nope\.js/);
    expect(missing.stderr).not.toMatch(/at .*:\d+:\d+/);
    writeFileSync(join(root, 'bad-space.json'), JSON.stringify({ lookback: [1, -2] }));
    const rejected = run(...base.slice(0, 5), '--space', join(root, 'bad-space.json'), '--data', data);
    expect(rejected.status).toBe(1);
    expect(rejected.stderr).toMatch(/strategy "momentum" rejects the config .*field "lookback"/);
    expect(rejected.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(run(...base, '--max-llm-calls', '0').stderr).toMatch(/--max-llm-calls: must be at least 1/);
    expect(run(...base, '--max-llm-calls', '2.5').stderr).toMatch(/--max-llm-calls: must be a whole number of calls/);
    expect(run(...base, '--max-llm-cost-usd', '-1').stderr).toMatch(/--max-llm-cost-usd: must be more than 0 USD/);
    expect(run(...base, '--max-llm-cost-usd', 'ten').stderr).toMatch(/--max-llm-cost-usd: /);
  });

  it('--help lists the LLM budget and cache flags', () => {
    const help = run('optimize', '--help').stdout;
    for (const flag of ['--max-llm-calls <n>', '--max-llm-cost-usd <usd>', '--no-llm-cache'])
      expect(help).toContain(flag);
  });

  describe('with an LLM-driven bot', () => {
    const llmCsv = join(root, 'llm-candles.csv');
    const prompts = join(root, 'prompts.json');
    writeFileSync(
      llmCsv,
      [
        'timestamp,open,high,low,close,volume',
        ...syntheticCandles(120, { seed: 5, phi: 0 }).map((c) =>
          [c.timestamp, c.open, c.high, c.low, c.close, c.volume].join(','),
        ),
      ].join('\n'),
    );
    writeFileSync(prompts, JSON.stringify({ systemPrompt: ['follow the move', 'fade the move'] }));
    const args = ['optimize', '--bot', LLM_BOT, '--csv', llmCsv, '--space', prompts, '--holdout', '0.25'];
    const more = ['--cscv-blocks', '4', '--concurrency', '1', '--data', data];

    it('says the cost budget stopped the search, and stays within it but for the call in flight', async () => {
      const llm = await startLlmTraderServer();
      try {
        const result = await runAsync(
          { TT_TEST_LLM_BASE_URL: llm.baseURL },
          ...args,
          ...more,
          '--max-llm-cost-usd',
          '0.05',
        );
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        expect(result.stdout).toMatch(
          /LLM calls: \d+ sent, 0 answered from the run's cache, 1 refused; [\d.]+ USD; budget 0.05 USD/,
        );
        expect(result.stdout).toContain(
          'LLM budget reached: the search stopped after 1 trial (1 cut short and excluded); the selection counts only the trials run',
        );
        const perCall = (USAGE.prompt_tokens * 0.28 + USAGE.completion_tokens * 0.42) / 1e6;
        expect(llm.requests * perCall).toBeLessThanOrEqual(0.05 + perCall);
      } finally {
        await llm.close();
      }
    });

    it('--json reports the call budget stop and counts exactly the requests the server saw', async () => {
      const llm = await startLlmTraderServer();
      try {
        const result = await runAsync(
          { TT_TEST_LLM_BASE_URL: llm.baseURL },
          ...args,
          ...more,
          '--max-llm-calls',
          '150',
          '--no-llm-cache',
          '--json',
        );
        expect(result.stderr).toBe('');
        const answer = JSON.parse(result.stdout);
        expect(answer.trials).toHaveLength(1);
        expect(answer.llm).toMatchObject({ budget_stopped: true, aborted_trials: 1, cache: false, max_calls: 150 });
        expect(answer.llm.calls).toBe(llm.requests);
        expect(llm.requests).toBeLessThanOrEqual(150);
      } finally {
        await llm.close();
      }
    });
  });
});
