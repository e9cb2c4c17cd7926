import type { Storage } from '@tradetrace/storage';

export interface VersionSummary {
  strategy_name: string;
  strategy_version: string;
  decisions: number;
  llm_decisions: number;
  trades: number;
  win_rate: number | null;
  total_pnl: number;
}

/** Per-version counts read back from what the collector stored: the demo's proof that the data arrived. */
export async function summarizeVersions(storage: Storage): Promise<VersionSummary[]> {
  const result = await storage.client.query({
    query: `
SELECT SpanAttributes['trading.strategy.name'] AS strategy_name,
       SpanAttributes['trading.strategy.version'] AS strategy_version,
       countIf(SpanAttributes['trading.operation.name'] = 'decide') AS decisions,
       countIf(SpanAttributes['trading.operation.name'] = 'decide' AND SpanAttributes['trading.decision.kind'] = 'llm') AS llm_decisions,
       countIf(SpanAttributes['trading.operation.name'] = 'close_position') AS trades,
       if(trades = 0, NULL, countIf(SpanAttributes['trading.operation.name'] = 'close_position'
            AND toFloat64OrZero(SpanAttributes['trading.position.realized_pnl']) > 0) / trades) AS win_rate,
       sumIf(toFloat64OrZero(SpanAttributes['trading.position.realized_pnl']), SpanAttributes['trading.operation.name'] = 'close_position') AS total_pnl
FROM ${storage.table('otel_traces')}
WHERE strategy_version != ''
GROUP BY strategy_name, strategy_version
ORDER BY strategy_name, strategy_version`,
    format: 'JSONEachRow',
  });
  return (await result.json<VersionSummary>()).map((row) => ({
    ...row,
    decisions: Number(row.decisions),
    llm_decisions: Number(row.llm_decisions),
    trades: Number(row.trades),
  }));
}
