import { readChartJsBundle } from './chart-library.ts';
import { escapeHtml, fmt } from './html-text.ts';
import { llmSection } from './render-llm-section.ts';
import type { ReportData } from './report-data.ts';
import { SEARCH_PAGE_SCRIPT, searchSection } from './render-search-section.ts';
import { symbolSection } from './render-symbol-section.ts';

/** Library code inside a <script> element: a `</script` would end the element early. */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

/** JSON inside a <script> element: `<` only occurs in JSON strings, where \u003c means the same. */
function jsonScriptSafe(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function statsTable(data: ReportData): string {
  const head = [
    'version',
    'decisions',
    'trades',
    'win rate',
    'total pnl',
    'sharpe',
    'sortino',
    'max dd',
    'profit factor',
    'psr',
    'dsr',
    'min trl',
    'mean reward',
  ];
  const rows = data.versions.map(({ label, stats: s }) =>
    [
      label,
      String(s.decisions),
      String(s.trades),
      fmt(s.win_rate),
      fmt(s.total_pnl, 2),
      fmt(s.sharpe),
      fmt(s.sortino),
      fmt(s.max_drawdown),
      fmt(s.profit_factor, 2),
      fmt(s.psr),
      fmt(s.dsr),
      fmt(s.min_trl, 1),
      fmt(s.mean_reward, 4),
    ]
      .map((cell) => `<td>${escapeHtml(cell)}</td>`)
      .join(''),
  );
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>`;
}

function verdicts(data: ReportData): string {
  if (data.comparisons.length === 0) return '<p class="muted">No strategy has two traded versions to compare.</p>';
  return data.comparisons
    .map(
      (
        c,
      ) => `<div class="verdict verdict-${c.verdict === 'promote B' ? 'promote' : c.verdict === 'keep A' ? 'keep' : 'undecided'}">
<h3>${escapeHtml(c.strategy_name)}: A = ${escapeHtml(c.a.version)}, B = ${escapeHtml(c.b.version)} → <strong>${escapeHtml(c.verdict)}</strong></h3>
<ul>${c.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></div>`,
    )
    .join('\n');
}

/** Builds the page's charts from the embedded data; runs in the browser. A chart the page has no canvas for (no data) is skipped. */
const PAGE_SCRIPT = `
const data = JSON.parse(document.getElementById('report-data').textContent);
const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const color = (i) => palette[i % palette.length];
const chart = (id, config) => { const canvas = document.getElementById(id); if (canvas) new Chart(canvas, config); };
// Trade numbers are counts: integer ticks only.
const lineOptions = (yTitle) => ({ animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
  scales: { x: { type: 'linear', ticks: { precision: 0 }, title: { display: true, text: 'closed trade #' } }, y: { title: { display: true, text: yTitle } } },
  elements: { point: { radius: 0 } } });
const perVersionLine = (id, field, yTitle) => chart(id, { type: 'line',
  data: { datasets: data.versions.filter((v) => v[field].length > 0).map((v, i) => ({ label: v.label, borderColor: color(i), backgroundColor: color(i),
    data: v[field].map((y, x) => ({ x: x + 1, y })) })) }, options: lineOptions(yTitle) });
perVersionLine('chart-equity', 'equity', 'equity (start = 1)');
perVersionLine('chart-drawdown', 'drawdown', 'drawdown');

const withRewards = data.versions.filter((v) => v.rewards.length > 0);
const allRewards = withRewards.flatMap((v) => v.rewards);
const bins = 20;
const lo = Math.min(...allRewards), hi = Math.max(...allRewards);
const width = (hi - lo) / bins || 1;
const binOf = (r) => Math.min(bins - 1, Math.floor((r - lo) / width));
chart('chart-rewards', { type: 'bar',
  data: { labels: Array.from({ length: bins }, (_, b) => (lo + (b + 0.5) * width).toPrecision(3)),
    datasets: withRewards.map((v, i) => { const counts = new Array(bins).fill(0); v.rewards.forEach((r) => counts[binOf(r)]++);
      return { label: v.label, backgroundColor: color(i) + 'aa', data: counts.map((c) => c / v.rewards.length) }; }) },
  options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { x: { title: { display: true, text: 'primary reward' } }, y: { title: { display: true, text: 'share of rewards' } } } } });

const intervalChart = (id, field, yTitle) => { const shown = data.versions.filter((v) => v[field].value !== null);
  chart(id, { type: 'bar',
  data: { labels: shown.map((v) => v.label), datasets: [
    { type: 'bar', label: '95% interval', order: 1, backgroundColor: '#9ecae1', data: shown.map((v) => [v[field].lower, v[field].upper]) },
    { type: 'line', label: 'estimate', order: 0, showLine: false, pointRadius: 6, borderColor: '#08306b', backgroundColor: '#08306b', data: shown.map((v) => v[field].value) } ] },
  options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { title: { display: true, text: yTitle } } } } }); };
intervalChart('chart-win-rate', 'winRate', 'win rate');
intervalChart('chart-sharpe', 'sharpe', 'Sharpe per trade');

const labels = data.llmModels.map((m) => m.model);
chart('chart-llm-latency', { type: 'bar', data: { labels, datasets: [
  { label: 'p50 latency (ms)', backgroundColor: color(0), data: data.llmModels.map((m) => m.latencyP50Ms) },
  { label: 'p95 latency (ms)', backgroundColor: color(1), data: data.llmModels.map((m) => m.latencyP95Ms) } ] },
  options: { animation: false, responsive: true, maintainAspectRatio: false } });
const priced = data.llmModels.filter((m) => m.costUsd !== null);
chart('chart-llm-cost', { type: 'bar', data: { labels: priced.map((m) => m.model), datasets: [
  { label: 'cost (USD)', backgroundColor: color(2), data: priced.map((m) => m.costUsd) } ] },
  options: { animation: false, responsive: true, maintainAspectRatio: false } });
document.body.dataset.rendered = 'true';
`;

/** A chart's place on the page: its canvas when it has data, else a sentence saying why it has none. */
function chartOrMessage(title: string, id: string, empty: string | null): string {
  const body =
    empty === null ? `<div class="chart"><canvas id="${id}"></canvas></div>` : `<p class="muted">${empty}</p>`;
  return `<div><h3>${title}</h3>${body}</div>`;
}

/** The per-version charts; one without data says so instead of drawing empty or NaN axes. */
function versionCharts(data: ReportData): string {
  const traded = data.versions.some((v) => v.equity.length > 0);
  const noTrades = 'No closed trades yet.';
  return `<div class="grid">
${chartOrMessage('Equity curve', 'chart-equity', traded ? null : noTrades)}
${chartOrMessage('Drawdown', 'chart-drawdown', traded ? null : noTrades)}
${chartOrMessage('Reward distribution', 'chart-rewards', data.versions.some((v) => v.rewards.length > 0) ? null : 'No rewards yet.')}
${chartOrMessage('Win rate (95% Wilson interval)', 'chart-win-rate', data.versions.some((v) => v.winRate.value !== null) ? null : noTrades)}
${chartOrMessage('Sharpe per trade (95% interval)', 'chart-sharpe', data.versions.some((v) => v.sharpe.value !== null) ? null : 'Not enough closed trades for a Sharpe ratio yet (two per version).')}
</div>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{margin:0 0 4px}.muted{color:#777}.grid{display:grid;grid-template-columns:1fr 1fr;gap:24px}
.chart{height:300px;position:relative}table{border-collapse:collapse;font-size:12px;margin:12px 0}
td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}
.verdict{border-left:4px solid #999;padding:4px 12px;margin:8px 0}.verdict-promote{border-color:#2ca02c}.verdict-keep{border-color:#1f77b4}.verdict-undecided{border-color:#ff7f0e}`;

/** One self-contained HTML page: Chart.js, the data and the drawing code inline; no network needed to view it. */
export function renderReportHtml(data: ReportData, chartLibrary: string = readChartJsBundle()): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<p class="muted">Generated ${escapeHtml(data.generatedAt)} · ${data.versions.length} strategy versions · statistics per closed trade (docs/analytics.md)</p>
<h2>Verdict</h2>
${verdicts(data)}
<h2>Versions</h2>
${statsTable(data)}
${versionCharts(data)}
${symbolSection(data.versions)}
<h2>LLM calls</h2>
${llmSection(data.llmModels)}
${searchSection(data.searches)}
<script>${scriptSafe(chartLibrary)}</script>
<script type="application/json" id="report-data">${jsonScriptSafe(data)}</script>
<script>${SEARCH_PAGE_SCRIPT}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
