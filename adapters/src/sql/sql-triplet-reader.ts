import type { Storage } from '@tradetrace/storage';
import type { DecisionFacts } from '../decision-facts.ts';
import {
  resolveExtractionOptions,
  type ExtractionOptions,
  type ResolvedExtractionOptions,
} from '../extraction-options.ts';
import type { TripletFilter } from '../triplet-filter.ts';
import {
  DECIDE_CONDITION,
  DECISION_FACTS_SETTINGS,
  decisionFactsInputFor,
  decisionFactsQuery,
  decisionFilterSql,
  type DecisionFactsQuery,
  type DecisionFactsRow,
} from './decision-facts-query.ts';
import { decisionFactsFromRow } from './decision-facts-row.ts';
import { readStagedDecisionFacts, type StagedPaging } from './staged-readers.ts';

/** The SQL engine's query for this storage: reads reward log records and strategy configs where those tables exist. */
export async function decisionFactsQueryFor(
  storage: Storage,
  filter: TripletFilter,
  options: ResolvedExtractionOptions,
): Promise<DecisionFactsQuery> {
  return decisionFactsQuery(storage, await decisionFactsInputFor(storage, filter, options));
}

/**
 * The facts of every decision the filter selects, in the SQL engine's order: staged and read in pages (`paging`) on
 * the embedded engine (memory flat in the decisions), one query streamed as a server sends it otherwise.
 */
export async function* readDecisionFactsSql(
  storage: Storage,
  filter: TripletFilter = {},
  options: ExtractionOptions | ResolvedExtractionOptions = {},
  paging: StagedPaging = {},
): AsyncGenerator<DecisionFacts> {
  const resolved = 'horizonNs' in options ? options : resolveExtractionOptions(options);
  yield* storage.kind === 'embedded'
    ? readStagedDecisionFacts(storage, filter, resolved, paging)
    : readDecisionFactsInOneQuery(storage, filter, resolved);
}

/** The facts by one query, row by row as ClickHouse sends them (the embedded engine sends the whole result at once). */
export async function* readDecisionFactsInOneQuery(
  storage: Storage,
  filter: TripletFilter,
  resolved: ResolvedExtractionOptions,
): AsyncGenerator<DecisionFacts> {
  const { query, params } = await decisionFactsQueryFor(storage, filter, resolved);
  const result = await storage.client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: DECISION_FACTS_SETTINGS,
  });
  for await (const rows of result.stream<DecisionFactsRow>()) {
    for (const row of rows) yield decisionFactsFromRow(row.json());
  }
}

/** How many decisions the filter selects (before `onlyRewarded`; a span stored twice is one): the total of a progress bar. */
export async function countDecisions(storage: Storage, filter: TripletFilter = {}): Promise<number> {
  const { conditions, params } = decisionFilterSql(filter);
  const result = await storage.client.query({
    query: `SELECT uniqExact(TraceId, SpanId) AS n FROM ${storage.table('otel_traces')} WHERE ${[DECIDE_CONDITION, ...conditions].join(' AND ')}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}
