import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { insertSpanRows, openStorage, runMigrations, type SpanRow } from '@tradetrace/storage';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { readChartJsBundle } from '../../src/report/chart-library.ts';
import { collectReportData } from '../../src/report/collect-report-data.ts';
import { renderReportHtml } from '../../src/report/render-report-html.ts';
import { holdDecisionRow, llmCallRow, tradeRows } from '../support/trading-span-rows.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const T0 = Date.parse('2026-04-01T00:00:00Z');
/** The page without Chart.js: the library's own code holds words like `NaN`; the page's text must not. */
const NO_LIBRARY = '/* chart library left out */';

const folders: string[] = [];

/**
 * The report of a fresh store holding `rows`, as the collector would have stored them. The store is closed after:
 * the embedded engine holds one data folder per process.
 */
async function reportOf(rows: SpanRow[], chartLibrary = NO_LIBRARY): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tt-report-states-'));
  folders.push(dir);
  const storage = await openStorage({ dataPath: join(dir, 'data') });
  try {
    await runMigrations(storage);
    if (rows.length > 0) await insertSpanRows(storage, rows);
    return renderReportHtml(await collectReportData(storage), chartLibrary);
  } finally {
    await storage.close();
  }
}

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('report of a store that has just started', () => {
  it('says what is missing instead of drawing empty or NaN charts', async () => {
    const html = await reportOf([
      holdDecisionRow('momentum', 'v1', 'paper', 'd1', T0),
      holdDecisionRow('momentum', 'v1', 'paper', 'd2', T0 + 60_000, 'ETH/USDT'),
    ]);
    expect(html).not.toContain('NaN');
    expect(html).toContain('<h3>Reward distribution</h3><p class="muted">No rewards yet.</p>');
    expect(html).toContain('<h3>Equity curve</h3><p class="muted">No closed trades yet.</p>');
    expect(html).toContain('<h3>Win rate (95% Wilson interval)</h3><p class="muted">No closed trades yet.</p>');
    expect(html).not.toMatch(/<canvas id="chart-(equity|drawdown|rewards|win-rate|sharpe)"/);
    // The decisions are there, per symbol, with no trade and no reward.
    expect(html).toContain('<tr><td>BTC/USDT</td><td>1</td><td>0</td><td>–</td><td>0.00</td><td>0</td><td>–</td></tr>');
    expect(html).toContain('<tr><td>ETH/USDT</td><td>1</td><td>0</td><td>–</td><td>0.00</td><td>0</td><td>–</td></tr>');
  });

  it('with nothing stored at all, says there are no decisions yet', async () => {
    const html = await reportOf([]);
    expect(html).not.toContain('NaN');
    expect(html).toContain('<h2>Per symbol</h2>\n<p class="muted">No decisions yet.</p>');
    expect(html).toContain('No rewards yet.');
    expect(html).toContain('No LLM calls recorded.');
  });
});

describe('report of LLM calls without a price', () => {
  it('names the model that has no price instead of charting its cost', async () => {
    const html = await reportOf([0, 1, 2].map((i) => llmCallRow('local-llama-3', T0 + i * 1000, 200, 500, 20)));
    expect(html).toContain('No price for this model: no cost to chart');
    expect(html).toContain('No price for model local-llama-3: 3 of 3 calls are not in its cost');
    expect(html).not.toContain('id="chart-llm-cost"');
    expect(html).toContain('<td>no price</td><td>–</td></tr>');
  });

  it('does not blame the price when a priced model reported no token usage', async () => {
    const call = llmCallRow('deepseek-chat', T0, 300, 0, 0);
    delete call.SpanAttributes['gen_ai.usage.input_tokens'];
    delete call.SpanAttributes['gen_ai.usage.output_tokens'];
    const html = await reportOf([call]);
    expect(html).toContain('No call reported its token usage: no cost to chart.');
    expect(html).not.toContain('No price');
    expect(html).toContain('<td>deepseek-chat</td><td>–</td></tr>');
  });

  it('charts the priced models and names the one without a price', async () => {
    const html = await reportOf([
      llmCallRow('deepseek-chat-0324', T0, 300, 1_000_000, 0),
      llmCallRow('local-llama-3', T0 + 1000, 200, 500, 20),
    ]);
    expect(html).toContain('<canvas id="chart-llm-cost">');
    expect(html).not.toContain('No price for this model');
    expect(html).toContain('No price for model local-llama-3: 1 of 1 calls are not in its cost');
    expect(html).not.toContain('No price for model deepseek-chat-0324');
    // 1M input tokens at deepseek-chat's 0.28 USD per million.
    expect(html).toContain('<td>deepseek-chat</td><td>0.280000</td></tr>');
  });
});

/** Two versions trading three symbols: each trade's symbol, realized P&L and primary reward. */
const TRADES = [
  ...[12, -4, 7, -1].map((pnl) => ({ version: 'v1', symbol: 'BTC/USDT', pnl })),
  ...[-6, -3, 2].map((pnl) => ({ version: 'v1', symbol: 'ETH/USDT', pnl })),
  ...[5, 5].map((pnl) => ({ version: 'v1', symbol: 'SOL/USDT', pnl })),
  ...[-9, 3].map((pnl) => ({ version: 'v2', symbol: 'BTC/USDT', pnl })),
  ...[8, 4, -2].map((pnl) => ({ version: 'v2', symbol: 'ETH/USDT', pnl })),
];
const reward = (pnl: number) => pnl / 100;

function multiSymbolRows(trades = TRADES): SpanRow[] {
  const rows = trades.flatMap((t, i) =>
    tradeRows({
      strategy: 'momentum',
      version: t.version,
      mode: 'paper',
      decisionId: `d${i}`,
      atMs: T0 + i * 60_000,
      realizedReturn: t.pnl / 1000,
      realizedPnl: t.pnl,
      reward: reward(t.pnl),
      symbol: t.symbol,
    }),
  );
  // A decision that did not trade counts as a decision of its symbol only.
  rows.push(holdDecisionRow('momentum', 'v2', 'paper', 'hold-1', T0, 'SOL/USDT'));
  return rows;
}

/** The table row the report should show, computed here from `TRADES` alone. */
function expectedRow(version: string, symbol: string, holds: number): string {
  const pnls = TRADES.filter((t) => t.version === version && t.symbol === symbol).map((t) => t.pnl);
  const sum = pnls.reduce((a, b) => a + b, 0);
  const cells = [
    symbol,
    String(pnls.length + holds),
    String(pnls.length),
    pnls.length === 0 ? '–' : (pnls.filter((p) => p > 0).length / pnls.length).toFixed(3),
    sum.toFixed(2),
    String(pnls.length),
    pnls.length === 0
      ? '–'
      : pnls
          .map(reward)
          .reduce((a, b) => a + b, 0)
          .toFixed(4),
  ];
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

describe('report of versions trading several symbols', () => {
  it('has a per-symbol table per version, best realized P&L first', async () => {
    const html = await reportOf(multiSymbolRows());
    expect(html).not.toContain('NaN');
    const table = (version: string) =>
      new RegExp(`<h3>momentum@${version}</h3>\\n<table class="symbols">.*?<tbody>\\n([\\s\\S]*?)\\n</tbody>`).exec(
        html,
      )?.[1];
    expect(table('v1')).toBe(
      [expectedRow('v1', 'BTC/USDT', 0), expectedRow('v1', 'SOL/USDT', 0), expectedRow('v1', 'ETH/USDT', 0)].join('\n'),
    );
    expect(table('v2')).toBe(
      [expectedRow('v2', 'ETH/USDT', 0), expectedRow('v2', 'SOL/USDT', 1), expectedRow('v2', 'BTC/USDT', 0)].join('\n'),
    );
    // Spot checks of the figures: v1 earns 14 on BTC and loses 7 on ETH.
    expect(table('v1')).toContain('<tr><td>BTC/USDT</td><td>4</td><td>4</td><td>0.500</td><td>14.00</td>');
    expect(table('v1')).toContain('<tr><td>ETH/USDT</td><td>3</td><td>3</td><td>0.333</td><td>-7.00</td>');
  });

  it('draws trade numbers on integer axes', async () => {
    const html = await reportOf(multiSymbolRows());
    expect(html).toContain(
      "x: { type: 'linear', ticks: { precision: 0 }, title: { display: true, text: 'closed trade #' } }",
    );
  });

  it.skipIf(!haveChromium && !process.env.CI)(
    'renders in Chromium with integer trade ticks and no NaN label on any axis',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tt-report-states-page-'));
      folders.push(dir);
      const page = join(dir, 'report.html');
      // Three trades: the axis a chart library would draw as 1, 1.2, 1.4, … unless told that trades are counted.
      const threeTrades = TRADES.filter((t) => t.version === 'v2' && t.symbol === 'ETH/USDT');
      writeFileSync(page, await reportOf(multiSymbolRows(threeTrades), readChartJsBundle()));
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
        headless: true,
      });
      try {
        const tab = await browser.newPage({ viewport: { width: 1280, height: 1800 } });
        await tab.goto(pathToFileURL(page).href);
        await tab.waitForSelector('body[data-rendered="true"]');
        const ticks = await tab.evaluate(() => {
          const charts = (
            globalThis as unknown as {
              Chart: {
                instances: Record<
                  string,
                  { canvas: { id: string }; scales: Record<string, { ticks: { value: number; label: unknown }[] }> }
                >;
              };
            }
          ).Chart.instances;
          return Object.fromEntries(
            Object.values(charts).map((chart) => [
              chart.canvas.id,
              Object.fromEntries(
                Object.entries(chart.scales).map(([axis, scale]) => [
                  axis,
                  scale.ticks.map((t) => ({ value: t.value, label: String(t.label) })),
                ]),
              ),
            ]),
          );
        });
        for (const id of ['chart-equity', 'chart-drawdown']) {
          const x = ticks[id]!.x!;
          expect(x.length, id).toBeGreaterThan(1);
          for (const tick of x) expect(Number.isInteger(tick.value), `${id} x tick ${tick.value}`).toBe(true);
        }
        const labels = Object.values(ticks).flatMap((axes) =>
          Object.values(axes).flatMap((t) => t.map((l) => l.label)),
        );
        expect(labels.filter((label) => label.includes('NaN'))).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});
