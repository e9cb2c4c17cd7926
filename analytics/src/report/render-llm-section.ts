import { escapeHtml, fmt } from './html-text.ts';
import type { ReportLlmModel } from './report-data.ts';

/** Where a model without a price gets one. */
const PRICE_HINT = 'add one to llm_prices (docs/schema.md)';

/** Says which models had calls that matched no price, so a missing cost never reads as a cost of 0. */
function unpricedNotes(models: readonly ReportLlmModel[]): string {
  return models
    .filter((m) => m.unpricedCalls > 0)
    .map(
      (m) =>
        `<p class="muted no-price">No price for model ${escapeHtml(m.model)}: ${m.unpricedCalls} of ${m.calls} calls are not in its cost; ${PRICE_HINT}.</p>`,
    )
    .join('\n');
}

function modelTable(models: readonly ReportLlmModel[]): string {
  const rows = models.map((m) =>
    [
      escapeHtml(m.model),
      String(m.calls),
      String(m.errors),
      fmt(m.latencyP50Ms, 0),
      fmt(m.latencyP95Ms, 0),
      String(m.inputTokens),
      String(m.outputTokens),
      m.priceModels.length > 0 ? escapeHtml(m.priceModels.join(', ')) : 'no price',
      fmt(m.costUsd, 6),
    ]
      .map((cell) => `<td>${cell}</td>`)
      .join(''),
  );
  return `<table><thead><tr><th>model</th><th>calls</th><th>errors</th><th>p50 ms</th><th>p95 ms</th><th>tokens in</th><th>tokens out</th><th>priced as</th><th>cost USD</th></tr></thead><tbody>
${rows.map((r) => `<tr>${r}</tr>`).join('\n')}
</tbody></table>`;
}

/** What stands in the cost chart's place when no model has a cost: no price, or no token usage to price. */
function noCostMessage(models: readonly ReportLlmModel[]): string {
  const unpriced = models.filter((m) => m.unpricedCalls > 0);
  if (unpriced.length === 0) return 'No call reported its token usage: no cost to chart.';
  return `${unpriced.length === 1 ? 'No price for this model' : 'No price for these models'}: no cost to chart; ${PRICE_HINT}.`;
}

/** The report's LLM section: latency and cost per model; a model without a price is named, never charted as 0. */
export function llmSection(models: readonly ReportLlmModel[]): string {
  if (models.length === 0) return '<p class="muted">No LLM calls recorded.</p>';
  const cost = models.some((m) => m.costUsd !== null)
    ? '<div class="chart"><canvas id="chart-llm-cost"></canvas></div>'
    : `<p class="muted">${noCostMessage(models)}</p>`;
  return `<div class="grid"><div><h3>LLM latency per model</h3><div class="chart"><canvas id="chart-llm-latency"></canvas></div></div>
<div><h3>LLM cost per model</h3>${cost}</div></div>
${modelTable(models)}
${unpricedNotes(models)}`;
}
