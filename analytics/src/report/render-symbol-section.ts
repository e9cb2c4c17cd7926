import { escapeHtml, fmt } from './html-text.ts';
import type { ReportVersion } from './report-data.ts';

function symbolTable(version: ReportVersion): string {
  const rows = version.symbols.map((s) =>
    [
      escapeHtml(s.symbol || '(none)'),
      String(s.decisions),
      String(s.trades),
      fmt(s.winRate),
      fmt(s.pnl, 2),
      String(s.rewards),
      fmt(s.rewardSum, 4),
    ]
      .map((cell) => `<td>${cell}</td>`)
      .join(''),
  );
  return `<h3>${escapeHtml(version.label)}</h3>
<table class="symbols"><thead><tr><th>symbol</th><th>decisions</th><th>trades</th><th>win rate</th><th>realized pnl</th><th>rewards</th><th>reward sum</th></tr></thead><tbody>
${rows.map((r) => `<tr>${r}</tr>`).join('\n')}
</tbody></table>`;
}

/** Per version, where it earns and where it loses: one row per symbol, best realized P&L first. */
export function symbolSection(versions: readonly ReportVersion[]): string {
  const withSymbols = versions.filter((v) => v.symbols.length > 0);
  if (withSymbols.length === 0) return '<h2>Per symbol</h2>\n<p class="muted">No decisions yet.</p>';
  return `<h2>Per symbol</h2>
<p class="muted">Realized P&amp;L and win rate of the closed trades, sum of the primary rewards; best P&amp;L first.</p>
${withSymbols.map(symbolTable).join('\n')}`;
}
