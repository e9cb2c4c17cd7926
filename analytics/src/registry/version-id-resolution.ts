import type { Storage } from '@tradetrace/storage';
import { AnalyticsError } from '../analytics-error.ts';

/** A full version id and whether the registry holds its config (or it is only seen in the bots' decision spans). */
export interface ResolvedVersionId {
  version: string;
  registered: boolean;
}

/** How many candidate ids an ambiguous or unknown version id lists. */
const CANDIDATES = 10;

/** Registered ids and ids seen in decisions starting with `prefix`, each once, registered ones marked. */
async function idsStartingWith(
  storage: Storage,
  strategyName: string,
  prefix: string,
  limit: number,
): Promise<ResolvedVersionId[]> {
  const result = await storage.client.query({
    query: `SELECT version, toBool(max(registered)) AS registered FROM (
  SELECT version, 1 AS registered FROM ${storage.table('strategy_versions')}
  WHERE strategy_name = {name:String} AND startsWith(version, {prefix:String})
  UNION ALL
  SELECT DISTINCT StrategyVersion AS version, 0 AS registered FROM ${storage.table('trading_decisions')}
  WHERE StrategyName = {name:String} AND StrategyVersion != '' AND startsWith(StrategyVersion, {prefix:String})
) GROUP BY version ORDER BY version LIMIT ${limit}`,
    query_params: { name: strategyName, prefix },
    format: 'JSONEachRow',
  });
  return result.json<ResolvedVersionId>();
}

/**
 * The full id of a version from its id or a unique prefix, like git: registered versions and versions only seen in
 * spans alike. An ambiguous or unknown id is TT_ANALYTICS_VERSION_NOT_FOUND naming the candidates, never a guess.
 */
export async function resolveVersionId(
  storage: Storage,
  strategyName: string,
  versionOrPrefix: string,
): Promise<ResolvedVersionId> {
  const matches =
    versionOrPrefix === '' ? [] : await idsStartingWith(storage, strategyName, versionOrPrefix, CANDIDATES + 1);
  const [match] = matches;
  if (matches.length === 1 && match !== undefined) return match;
  const known = matches.length > 1 ? matches : await idsStartingWith(storage, strategyName, '', CANDIDATES + 1);
  const listed = known.slice(0, CANDIDATES).map((k) => (k.registered ? k.version : `${k.version} (not registered)`));
  const candidates = `${listed.join(', ')}${known.length > CANDIDATES ? ', …' : ''}`;
  const why =
    matches.length > 1
      ? `several versions start with "${versionOrPrefix}": ${candidates}; give more digits`
      : known.length > 0
        ? `no such version; known: ${candidates} (\`tradetrace versions list --strategy ${strategyName}\`)`
        : 'no such version; the strategy has no registered version yet and none in spans (`tradetrace versions add`)';
  throw new AnalyticsError(
    'TT_ANALYTICS_VERSION_NOT_FOUND',
    `strategy "${strategyName}" version "${versionOrPrefix}": ${why}`,
  );
}
