import type { Storage } from '@tradetrace/storage';
import type { SearchRunResult } from './search-result.ts';

const TABLE = 'search_runs';

/** Appends a run to `search_runs` (migration 026). */
export async function writeSearchRun(storage: Storage, result: SearchRunResult): Promise<void> {
  await storage.client.insert({
    table: storage.table(TABLE),
    format: 'JSONEachRow',
    values: [
      {
        run_id: result.run_id,
        strategy_name: result.strategy,
        created_at: new Date().toISOString().replace('T', ' ').replace('Z', ''),
        search: result.search,
        trials: result.trials.length,
        selected_version: result.selected?.version ?? '',
        promoted_version: result.promoted ?? '',
        result: JSON.stringify(result),
      },
    ],
  });
}

/** The latest search run of each strategy (one strategy when named), newest first. */
export async function readLatestSearchRuns(storage: Storage, strategyName?: string): Promise<SearchRunResult[]> {
  const rows = await (
    await storage.client.query({
      query: `SELECT argMax(result, created_at) AS result, max(created_at) AS last FROM ${storage.table(TABLE)}
WHERE {name:String} = '' OR strategy_name = {name:String}
GROUP BY strategy_name ORDER BY last DESC`,
      query_params: { name: strategyName ?? '' },
      format: 'JSONEachRow',
    })
  ).json<{ result: string }>();
  return rows.map((row) => JSON.parse(row.result) as SearchRunResult);
}
