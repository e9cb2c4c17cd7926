import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '@tradetrace/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

/** The README's "Instrumenting a bot" code, as a newcomer copies it. */
function readmeBot(): string {
  const readme = readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Instrumenting a bot'));
  const code = /```ts\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (code === undefined) throw new Error('README.md has no ts block under "Instrumenting a bot"');
  return code;
}

/** An OpenAI-compatible server that answers "buy" as a dated snapshot of the model, as DeepSeek's API does. */
async function startChatServer(): Promise<Server> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-readme',
          object: 'chat.completion',
          created: 1,
          model: 'deepseek-chat-0324',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'buy' } }],
          usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe("the README's bot example, end to end", () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-readme-'));
  const data = join(root, 'data');
  // Inside the repository, so the example's imports resolve as they do for a user of the packages.
  const botFolder = mkdtempSync(fileURLToPath(new URL('./.readme-bot-', import.meta.url)));
  const versions: string[] = [];

  beforeAll(async () => {
    const chat = await startChatServer();
    const collector = await startCollector({ port: 0, dataPath: data });
    try {
      const baseURL = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/v1`;
      // Two versions of the strategy (two configs), so `compare` has both sides.
      for (const rsiBuy of [25, 30]) {
        const file = join(botFolder, `bot-${rsiBuy}.ts`);
        writeFileSync(
          file,
          readmeBot()
            .replace('http://127.0.0.1:4318', collector.url)
            .replace('https://api.deepseek.com', baseURL)
            .replace('rsiBuy: 25', `rsiBuy: ${rsiBuy}`),
        );
        // Asynchronously: the collector and the model server answer it from this process's event loop.
        const bot = await promisify(execFile)(process.execPath, [file], {
          encoding: 'utf8',
          env: { ...process.env, DEEPSEEK_API_KEY: 'test-key' },
        });
        expect(bot.stderr).toBe('');
      }
      expect(await collector.drain(60_000)).toBe(true);
    } finally {
      await collector.close();
      await new Promise((resolve) => chat.close(resolve));
    }
  }, 180_000);
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(botFolder, { recursive: true, force: true });
  });

  it('stats shows the primary reward of each version', () => {
    const stats = run('stats', '--json', '--data', data);
    expect(stats.status).toBe(0);
    const rows = JSON.parse(stats.stdout) as { strategy_version: string; mean_reward: number | null }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.mean_reward).toBeCloseTo((151.2 * 2 - 142.5 * 2 - 0.3) / (142.5 * 2), 10);
      versions.push(row.strategy_version);
    }
  });

  it('compare reads both sides’ rewards', () => {
    const compare = run('compare', versions[0]!, versions[1]!, '--strategy', 'momentum', '--json', '--data', data);
    expect(compare.status).toBe(0);
    const result = JSON.parse(compare.stdout) as { a: { rewards: number }; b: { rewards: number } };
    expect(result.a.rewards).toBe(1);
    expect(result.b.rewards).toBe(1);
  });

  it('exports triplets whose reward is the primary component, and a chat example from the rewarded answer', () => {
    const jsonl = run('export', '--format', 'jsonl', '--data', data);
    expect(jsonl.status).toBe(0);
    const triplets = jsonl.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(triplets).toHaveLength(2);
    for (const t of triplets) {
      expect(t.reward).toMatchObject({ primary: 'return', unit: '1', units: { return: '1', fees: 'USDC' } });
      expect(t.reward.components.fees).toBe(-0.3);
      expect(t.decision.llm_calls[0]).toMatchObject({
        request_model: 'deepseek-chat',
        response_model: 'deepseek-chat-0324',
      });
    }
    const chat = run('export', '--format', 'openai-chat', '--data', data);
    expect(chat.status).toBe(0);
    const examples = chat.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(examples).toHaveLength(2);
    expect(examples[0].messages.at(-1)).toEqual({ role: 'assistant', content: 'buy' });
  });

  it("reports each version's primary rewards (the reward histogram's data)", () => {
    const out = join(root, 'report.html');
    const report = run('report', '--out', out, '--data', data);
    expect(report.status).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.match(/"rewards":\[0\.05\d+\]/g)).toHaveLength(2);
  });

  it('makes a report with every section filled: charts, a per-symbol row per version, the priced model', () => {
    const out = join(root, 'report-sections.html');
    expect(run('report', '--out', out, '--data', data).status).toBe(0);
    // The page without Chart.js's own code, whose identifiers may spell NaN.
    const page = readFileSync(out, 'utf8').replace(/<script>[\s\S]*?<\/script>/, '');
    expect(page).not.toContain('NaN');
    for (const chart of ['equity', 'drawdown', 'rewards', 'win-rate', 'llm-latency', 'llm-cost'])
      expect(page).toContain(`<canvas id="chart-${chart}">`);
    expect(page).not.toMatch(/No (rewards|closed trades|price)/);
    // One long trade per version: (151.2 − 142.5) × 2 − 0.3 fees = 17.10 USDC, reward 17.1 / 285 = 0.06.
    const row =
      '<tr><td>SOL/USDC:USDC</td><td>1</td><td>1</td><td>1.000</td><td>17.10</td><td>1</td><td>0.0600</td></tr>';
    expect(page.split(row)).toHaveLength(3);
    // The model answered as a dated snapshot and took deepseek-chat's price: 2 × (12 × 0.28 + 1 × 0.42) / 1e6 USD.
    expect(page).toContain('<tr><td>deepseek-chat-0324</td><td>2</td>');
    expect(page).toContain('<td>deepseek-chat</td><td>0.000008</td></tr>');
  });
});
