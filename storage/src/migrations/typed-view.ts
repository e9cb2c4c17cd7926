import { DEDUPLICATION_WINDOW } from './insert-deduplication.ts';
import type { MigrationContext } from './migration.ts';
import { ATTRS } from './trading-columns.ts';

/** One column of a typed table: its type, and the expression the view computes it with. */
export interface TypedColumn {
  readonly name: string;
  readonly type: string;
  readonly expr: string;
}

/** A typed table and the materialized view that fills it from a telemetry table. */
export interface TypedViewDefinition {
  readonly table: string;
  readonly columns: readonly TypedColumn[];
  /** Sorting key: the questions the table answers fastest. */
  readonly orderBy: string;
  readonly partitionBy: string;
  /** Skip indexes, as written after `INDEX`. */
  readonly indexes: readonly string[];
  readonly sources: readonly TypedViewSource[];
}

/** One materialized view feeding the table; a table may be fed from several (spans, span events, log records). */
export interface TypedViewSource {
  /** View name, `<table>_from_<origin>_mv` by convention. */
  readonly view: string;
  /** Source table (`otel_traces`, `otel_logs`). */
  readonly from: string;
  /** Clauses between FROM and WHERE, e.g. an ARRAY JOIN over span events. */
  readonly join?: string;
  /** The merged attribute map the identity columns read, defined as `Attrs`. */
  readonly attributes: string;
  /** More `expression AS Name` definitions for the view's WITH clause (constants, shared subexpressions). */
  readonly with?: readonly string[];
  readonly where: string;
  /** Per-source column expressions overriding the table's defaults. */
  readonly exprs?: Readonly<Record<string, string>>;
}

/** CREATE TABLE then one CREATE MATERIALIZED VIEW per source; every statement idempotent. */
export function typedViewStatements(
  definition: TypedViewDefinition,
  { table, replicated }: MigrationContext,
): string[] {
  const columns = definition.columns.map((c) => `    ${c.name} ${c.type}`);
  const indexes = definition.indexes.map((i) => `    INDEX ${i}`);
  const settings = replicated
    ? 'index_granularity = 8192'
    : `index_granularity = 8192, non_replicated_deduplication_window = ${DEDUPLICATION_WINDOW}`;
  const create = `CREATE TABLE IF NOT EXISTS ${table(definition.table)} (
${[...columns, ...indexes].join(',\n')}
) ENGINE = MergeTree
PARTITION BY ${definition.partitionBy}
ORDER BY ${definition.orderBy}
SETTINGS ${settings}`;
  const views = definition.sources.map(
    (source) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${table(source.view)}
TO ${table(definition.table)}
AS ${viewQuery(definition, source, table)}`,
  );
  return [create, ...views];
}

/** The SELECT of one view (what `ALTER TABLE <view> MODIFY QUERY` takes). */
export function viewQuery(
  definition: TypedViewDefinition,
  source: TypedViewSource,
  table: MigrationContext['table'],
): string {
  const select = definition.columns.map((c) => `    ${source.exprs?.[c.name] ?? c.expr} AS ${c.name}`).join(',\n');
  return `WITH
${[...(source.with ?? []), `${source.attributes} AS ${ATTRS}`].map((w) => `    ${w}`).join(',\n')}
SELECT
${select}
FROM ${table(source.from)}${source.join ? `\n${source.join}` : ''}
WHERE ${source.where}`;
}
