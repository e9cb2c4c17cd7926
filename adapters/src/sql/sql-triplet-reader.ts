import type { Storage } from '@tradetrace/storage';
import type { DecisionFacts } from '../decision-facts.ts';
import { resolveExtractionOptions, type ExtractionOptions, type ResolvedExtractionOptions } from '../extraction-options.ts';
import type { TripletFilter } from '../triplet-filter.ts';
import { DECIDE_CONDITION, DECISION_FACTS_SETTINGS, decisionFactsQuery, decisionFilterSql, type DecisionFactsQuery, type DecisionFactsQueryInput, type DecisionFactsRow } from './decision-facts-query.ts';
import { decisionFactsFromRow } from './decision-facts-row.ts';

/** The SQL engine's query for this storage: reads reward log records and strategy configs where those tables exist. */
export async function decisionFactsQueryFor(storage: Storage, filter: TripletFilter, options: ResolvedExtractionOptions): Promise<DecisionFactsQuery> {
  return decisionFactsQuery(storage, await decisionFactsInputFor(storage, filter, options));
}

/** The query's input for this storage: which of the optional tables exist. */
export async function decisionFactsInputFor(storage: Storage, filter: TripletFilter, options: ResolvedExtractionOptions): Promise<DecisionFactsQueryInput> {
  const result = await storage.client.query({
    query: `SELECT name FROM system.tables WHERE database = {db:String} AND name IN ('otel_logs', 'strategy_versions')`,
    query_params: { db: storage.database },
    format: 'JSONEachRow',
  });
  const tables = new Set((await result.json<{ name: string }>()).map((r) => r.name));
  return { filter, options, withLogs: tables.has('otel_logs'), withRegistry: tables.has('strategy_versions') };
}

/** Streams the facts of every decision the filter selects, row by row as ClickHouse sends them. */
export async function* readDecisionFactsSql(storage: Storage, filter: TripletFilter = {}, options: ExtractionOptions | ResolvedExtractionOptions = {}): AsyncGenerator<DecisionFacts> {
  const resolved = 'horizonNs' in options ? options : resolveExtractionOptions(options);
  const { query, params } = await decisionFactsQueryFor(storage, filter, resolved);
  const result = await storage.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: DECISION_FACTS_SETTINGS });
  for await (const rows of result.stream<DecisionFactsRow>()) {
    for (const row of rows) yield decisionFactsFromRow(row.json());
  }
}

/** How many decisions the filter selects (before `onlyRewarded`): the total of a progress bar. */
export async function countDecisions(storage: Storage, filter: TripletFilter = {}): Promise<number> {
  const { conditions, params } = decisionFilterSql(filter);
  const result = await storage.client.query({
    query: `SELECT count() AS n FROM ${storage.table('otel_traces')} WHERE ${[DECIDE_CONDITION, ...conditions].join(' AND ')}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}
