import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { insertSpanRows, openStorage, runMigrations, type SpanRow, type Storage } from '@tradetrace/storage';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectReportData } from '../../src/report/collect-report-data.ts';
import type { ReportData } from '../../src/report/report-data.ts';
import { renderReportHtml } from '../../src/report/render-report-html.ts';
import type { SearchRunResult } from '../../src/search/search-result.ts';
import { writeSearchRun } from '../../src/search/search-run-store.ts';
import { llmCallRow, tradeRows } from '../support/trading-span-rows.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(
    `SKIPPED: report-in-chromium needs Debian's chromium at ${CHROMIUM} (apt-get install -y chromium); .ci/run installs it in CI`,
  );
}

const T0 = Date.parse('2026-04-01T00:00:00Z');

/** A stored search run of 4 trials, as `tradetrace optimize` writes it. */
function searchRun(): SearchRunResult {
  const period = (sharpe: number) => ({ candles: 100, sharpe, psr: 0.5, trades: 10, total_pnl: 1 });
  const trials = [0.1, 0.05, -0.02, 0.2].map((sharpe, i) => ({
    trial: i + 1,
    version: `5ea7c4000${i}`,
    config: { lookback: i + 1 },
    in_sample: { ...period(sharpe), dsr: 0.3 + i / 10 },
    out_of_sample: period(sharpe / 2),
  }));
  return {
    run_id: 'search-test',
    strategy: 'momentum',
    search: 'grid',
    seed: 1,
    interrupted: false,
    markets: [{ symbol: 'BTC/USDT', candles: 300 }],
    holdout: {
      fraction: 0.3,
      start_time: '2026-04-01T03:30:00.000Z',
      in_sample_candles: 210,
      out_of_sample_candles: 90,
    },
    trials,
    selected: {
      ...trials[3]!,
      sharpe: 0.2,
      psr: 0.9,
      dsr: 0.6,
      trials: 4,
      sharpe_variance: 0.01,
      min_trl: 70,
      out_of_sample: trials[3]!.out_of_sample,
    },
    pbo: { value: 0.25, blocks: 4, combinations: 6, logits: [-0.5, 0.4, 0.9, 1.2, 0.3, 0.7] },
    active: null,
    gate: [{ test: 'dsr', passed: false, detail: 'deflated Sharpe ratio 0.600 (needs ≥ 0.95)' }],
    promoted: null,
    reasons: ['dsr failed: deflated Sharpe ratio 0.600 (needs ≥ 0.95)'],
    selected_equity: { equity: Array.from({ length: 300 }, (_, i) => 1 + i / 1000), holdout_start: 210 },
  };
}
let dir: string;
let storage: Storage;
let data: ReportData;
let htmlPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tt-report-'));
  storage = await openStorage({ dataPath: join(dir, 'data') });
  await runMigrations(storage);
  const rows: SpanRow[] = [];
  let state = 99;
  const noise = () => ((state = (state * 48271) % 2147483647) / 2147483647 - 0.5) * 0.03;
  for (const [version, drift] of [
    ['c0ffee000001', 0.001],
    ['c0ffee000002', 0.004],
  ] as const) {
    for (let i = 0; i < 60; i++) {
      const r = drift + noise();
      rows.push(
        ...tradeRows({
          strategy: 'momentum',
          version,
          mode: 'paper',
          decisionId: `${version}-${i}`,
          atMs: T0 + i * 60_000,
          realizedReturn: r,
          realizedPnl: r * 500,
          reward: r,
        }),
      );
    }
  }
  for (let i = 0; i < 20; i++)
    rows.push(llmCallRow(i % 2 ? 'gpt-4o-mini' : 'deepseek-chat', T0 + i * 1000, 300 + i * 25, 800, 120));
  await insertSpanRows(storage, rows);
  await writeSearchRun(storage, searchRun());
  data = await collectReportData(storage, {}, 'Report <test> & co');
  htmlPath = join(dir, 'report.html');
  writeFileSync(htmlPath, renderReportHtml(data));
});

afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report', () => {
  it('collects what the page shows: two versions, two models and a verdict', () => {
    expect(data.versions.map((v) => v.stats.strategy_version)).toEqual(['c0ffee000001', 'c0ffee000002']);
    expect(data.versions.every((v) => v.equity.length === 60 && v.drawdown.every((d) => d <= 0))).toBe(true);
    expect(data.llmModels.map((m) => m.model)).toEqual(['deepseek-chat', 'gpt-4o-mini']);
    expect(data.llmModels.every((m) => m.calls === 10 && m.inputTokens === 8000)).toBe(true);
    expect(data.comparisons).toHaveLength(1);
    expect(['promote B', 'keep A', 'not enough evidence']).toContain(data.comparisons[0]!.verdict);
    for (const v of data.versions)
      expect(v.winRate.lower! <= v.winRate.value! && v.winRate.value! <= v.winRate.upper!).toBe(true);
  });

  it('has a search section when a search run is stored', () => {
    expect(data.searches.map((r) => r.run_id)).toEqual(['search-test']);
    const html = readFileSync(htmlPath, 'utf8');
    expect(html).toContain('<h2>Strategy search</h2>');
    expect(html).toContain('grid search search-test → <strong>nothing promoted</strong>');
    expect(html).toContain('PBO 0.250 (CSCV, S = 4, 6 combinations)');
  });

  it('is one self-contained file: no external script, stylesheet or image', () => {
    const html = readFileSync(htmlPath, 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).toContain('Chart.js v4');
    expect(html).toContain('Report &#60;test&#62; &#38; co');
  });

  it.skipIf(!haveChromium && !process.env.CI)(
    'renders in headless Chromium offline: no console errors, the expected series, a screenshot',
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1800 } });
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('request', (request) => requests.push(request.url()));
        await page.goto(pathToFileURL(htmlPath).href);
        await page.waitForSelector('body[data-rendered="true"]');
        const series = await page.evaluate(() => {
          const charts = (
            globalThis as unknown as {
              Chart: { instances: Record<string, { canvas: { id: string }; data: { datasets: unknown[] } }> };
            }
          ).Chart.instances;
          return Object.fromEntries(
            Object.values(charts).map((chart) => [chart.canvas.id, chart.data.datasets.length]),
          );
        });
        expect(problems).toEqual([]);
        expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
        expect(series).toEqual({
          'chart-equity': data.versions.length,
          'chart-drawdown': data.versions.length,
          'chart-rewards': data.versions.filter((v) => v.rewards.length > 0).length,
          'chart-win-rate': 2,
          'chart-sharpe': 2,
          'chart-llm-latency': 2,
          'chart-llm-cost': 1,
          'chart-search-scatter-0': 2,
          'chart-search-logits-0': 1,
          'chart-search-equity-0': 2,
        });
        const screenshot = join(dir, 'report.png');
        await page.screenshot({ path: screenshot, fullPage: true });
        expect(readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');
        expect(statSync(screenshot).size).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
      }
    },
  );
});
