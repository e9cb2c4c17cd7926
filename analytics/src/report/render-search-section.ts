import type { SearchRunResult } from '../search/search-result.ts';
import { escapeHtml, fmt } from './html-text.ts';

function runHtml(run: SearchRunResult, i: number): string {
  const s = run.selected;
  const verdict = run.promoted
    ? `promoted ${run.promoted}`
    : run.gate.every((c) => c.passed)
      ? 'passed the gate, not promoted'
      : 'nothing promoted';
  return `<div class="verdict verdict-${run.promoted ? 'promote' : run.gate.every((c) => c.passed) ? 'keep' : 'undecided'}">
<h3>${escapeHtml(run.strategy)}: ${escapeHtml(run.search)} search ${escapeHtml(run.run_id)} → <strong>${escapeHtml(verdict)}</strong></h3>
<p>${run.trials.length} trials${run.interrupted ? ' (interrupted)' : ''} on ${run.markets.map((m) => escapeHtml(m.symbol)).join(', ')}; holdout: the last ${run.holdout.out_of_sample_candles} candles from ${escapeHtml(run.holdout.start_time)}.
${s ? `Selected ${escapeHtml(s.version)} ${escapeHtml(JSON.stringify(s.config))}: Sharpe ${fmt(s.sharpe, 4)} per candle, PSR ${fmt(s.psr)}, DSR ${fmt(s.dsr)} over ${s.trials} trials, MinTRL ${fmt(s.min_trl, 1)} candles, out of sample ${fmt(s.out_of_sample?.sharpe, 4)}.` : ''}
PBO ${run.pbo ? `${fmt(run.pbo.value)} (CSCV, S = ${run.pbo.blocks}, ${run.pbo.combinations} combinations)` : 'not estimated'}.</p>
<ul>${run.gate.map((c) => `<li>${c.passed ? 'pass' : '<strong>fail</strong>'} ${escapeHtml(c.test)}: ${escapeHtml(c.detail)}</li>`).join('')}</ul></div>
<div class="grid">
<div><h3>In-sample vs out-of-sample Sharpe per trial</h3><div class="chart"><canvas id="chart-search-scatter-${i}"></canvas></div></div>
<div><h3>CSCV logits λ (PBO = share at or below 0)</h3><div class="chart"><canvas id="chart-search-logits-${i}"></canvas></div></div>
<div><h3>Selected version's equity, holdout marked</h3><div class="chart"><canvas id="chart-search-equity-${i}"></canvas></div></div>
</div>`;
}

/** The report's search section: one block per strategy's latest search run; empty without one. */
export function searchSection(runs: readonly SearchRunResult[]): string {
  if (runs.length === 0) return '';
  return `<h2>Strategy search</h2>
<p class="muted">Trials ranked by deflated Sharpe ratio on the in-sample candles; overfitting shows as a scatter with no slope and logits left of 0 (docs/analytics.md).</p>
${runs.map(runHtml).join('\n')}`;
}

/** Draws the search charts from the embedded data; runs in the browser before the main script marks the page rendered. */
export const SEARCH_PAGE_SCRIPT = `
(() => {
  const searches = JSON.parse(document.getElementById('report-data').textContent).searches;
  const base = { animation: false, responsive: true, maintainAspectRatio: false };
  searches.forEach((run, i) => {
    const evaluated = run.trials.filter((t) => t.out_of_sample);
    const point = (t) => ({ x: t.in_sample.sharpe, y: t.out_of_sample.sharpe });
    const chosen = run.selected ? evaluated.filter((t) => t.version === run.selected.version) : [];
    new Chart(document.getElementById('chart-search-scatter-' + i), { type: 'scatter',
      data: { datasets: [
        { label: 'trials', backgroundColor: '#1f77b4', data: evaluated.filter((t) => !chosen.includes(t)).map(point) },
        { label: 'selected', backgroundColor: '#d62728', pointRadius: 7, data: chosen.map(point) } ] },
      options: { ...base, scales: { x: { title: { display: true, text: 'in-sample Sharpe per candle' } },
        y: { title: { display: true, text: 'out-of-sample Sharpe per candle' } } } } });
    const logits = run.pbo ? run.pbo.logits : [];
    const finite = logits.filter(Number.isFinite);
    const bins = 20, lo = Math.min(0, ...finite), hi = Math.max(0, ...finite), width = (hi - lo) / bins || 1;
    const counts = new Array(bins).fill(0);
    finite.forEach((l) => counts[Math.min(bins - 1, Math.floor((l - lo) / width))]++);
    const centres = counts.map((_, b) => lo + (b + 0.5) * width);
    new Chart(document.getElementById('chart-search-logits-' + i), { type: 'bar',
      data: { labels: centres.map((c) => c.toFixed(2)), datasets: [{ label: 'combinations',
        backgroundColor: centres.map((c) => (c <= 0 ? '#d62728' : '#2ca02c')), data: counts }] },
      options: { ...base, scales: { x: { title: { display: true, text: 'λ = logit of the out-of-sample rank' } } } } });
    const equity = run.selected_equity ? run.selected_equity.equity : [];
    const cut = run.selected_equity ? run.selected_equity.holdout_start : 0;
    new Chart(document.getElementById('chart-search-equity-' + i), { type: 'line',
      data: { datasets: [
        { label: 'in sample', borderColor: '#1f77b4', data: equity.slice(0, cut).map((y, x) => ({ x: x + 1, y })) },
        { label: 'holdout (out of sample)', borderColor: '#ff7f0e', data: equity.slice(cut).map((y, x) => ({ x: cut + x + 1, y })) } ] },
      options: { ...base, parsing: false, elements: { point: { radius: 0 } },
        scales: { x: { type: 'linear', title: { display: true, text: 'candle #' } }, y: { title: { display: true, text: 'equity (start = 1, per notional)' } } } } });
  });
})();
`;
