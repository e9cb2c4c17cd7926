import type { Storage } from '@tradetrace/storage';

/** A strategy version bots ran (it is in the decision spans) that has no row in the registry. */
export interface UnregisteredVersion {
  strategyName: string;
  version: string;
  /** First and last decision of this version, ISO 8601. */
  firstSeen: string;
  lastSeen: string;
  decisions: number;
}

/**
 * Versions seen in `trading_decisions` but never registered, newest first: their configs are unknown to the registry
 * (run `tradetrace versions add`), so they are listed as such rather than left out.
 */
export async function listUnregisteredVersions(
  storage: Storage,
  strategyName?: string,
): Promise<UnregisteredVersion[]> {
  const result = await storage.client.query({
    query: `SELECT StrategyName AS strategyName, StrategyVersion AS version, toString(min(Timestamp)) AS firstSeen,
  toString(max(Timestamp)) AS lastSeen, toUInt64(count()) AS decisions
FROM ${storage.table('trading_decisions')}
WHERE StrategyName != '' AND StrategyVersion != '' AND ({name:String} = '' OR StrategyName = {name:String})
  AND (StrategyName, StrategyVersion) NOT IN (SELECT strategy_name, version FROM ${storage.table('strategy_versions')})
GROUP BY strategyName, version
ORDER BY strategyName, lastSeen DESC, version`,
    query_params: { name: strategyName ?? '' },
    format: 'JSONEachRow',
  });
  const rows = await result.json<Omit<UnregisteredVersion, 'decisions'> & { decisions: string | number }>();
  return rows.map((row) => ({ ...row, decisions: Number(row.decisions) }));
}
