import { quoteIdentifier } from '../storage.ts';
import { sqlString } from './attribute-sql.ts';
import type { MigrationContext } from './migration.ts';

/** How single-server DDL becomes the DDL that runs: as written, or spread over a ClickHouse cluster. */
export interface SchemaLayout {
  readonly context: MigrationContext;
  /** The statements to run for one statement a migration wrote. */
  expand(statement: string): string[];
}

/**
 * Tables every node keeps whole (replicated to all, never sharded): the views read `llm_prices` on the node
 * that stores a call, and the ledger must be the same everywhere.
 */
export const CLUSTER_WIDE_TABLES: ReadonlySet<string> = new Set(['llm_prices', 'tradetrace_schema_migrations']);

/** Sharding keys of the Distributed tables: a trace stays on one shard; everything else spreads evenly. */
const SHARDING_KEYS: Readonly<Record<string, string>> = {
  otel_traces: 'cityHash64(TraceId)',
  otel_traces_trace_id_ts: 'cityHash64(TraceId)',
};

const LOCAL_SUFFIX = '_local';

export function singleServerLayout(database: string): SchemaLayout {
  return {
    context: { table: (name) => `${quoteIdentifier(database)}.${quoteIdentifier(name)}`, replicated: false },
    expand: (statement) => [statement],
  };
}

/**
 * Cluster layout. Each sharded table `t` is created as a Replicated* table `t_local` on every node (ClickHouse's
 * default replica path `/clickhouse/tables/{uuid}/{shard}` and `{replica}` macro), fronted by a Distributed
 * table `t` that readers and writers use; materialized views run on each node's local tables. Every statement
 * runs `ON CLUSTER`.
 */
export function clusterLayout(database: string, cluster: string): SchemaLayout {
  const db = quoteIdentifier(database);
  const onCluster = `ON CLUSTER ${quoteIdentifier(cluster)}`;
  const localName = (name: string) => (CLUSTER_WIDE_TABLES.has(name) ? name : `${name}${LOCAL_SUFFIX}`);
  const quotedName = /^`((?:[^`\\]|\\.)+)`\.`((?:[^`\\]|\\.)+)`$/;

  function distributedFor(qualified: string): string[] {
    const match = quotedName.exec(qualified);
    const local = match?.[2];
    if (local === undefined || !local.endsWith(LOCAL_SUFFIX)) return [];
    const name = local.slice(0, -LOCAL_SUFFIX.length);
    const key = SHARDING_KEYS[name] ?? 'rand()';
    return [
      `CREATE TABLE IF NOT EXISTS ${db}.${quoteIdentifier(name)} ${onCluster} AS ${qualified}
ENGINE = Distributed(${sqlString(cluster)}, ${sqlString(database)}, ${sqlString(local)}, ${key})`,
    ];
  }

  return {
    context: { table: (name) => `${db}.${quoteIdentifier(localName(name))}`, replicated: true },
    expand(statement) {
      const create = /^CREATE TABLE IF NOT EXISTS (\S+) \(/.exec(statement);
      if (create?.[1] !== undefined) {
        const qualified = create[1];
        const wide = !quotedName.exec(qualified)?.[2]?.endsWith(LOCAL_SUFFIX);
        const replicated = statement
          .replace(/^CREATE TABLE IF NOT EXISTS (\S+) \(/, `CREATE TABLE IF NOT EXISTS $1 ${onCluster} (`)
          .replace(/ENGINE = (\w*)MergeTree(?:\(([^)]*)\))?/, (_all, family: string, args: string | undefined) => {
            // A cluster-wide table shares one replication path across shards; sharded ones use the default path.
            const path = wide ? [`'/clickhouse/tables/{uuid}/all'`, `'{replica}'`] : [];
            const all = [...path, ...(args ? [args] : [])];
            return `ENGINE = Replicated${family}MergeTree${all.length > 0 ? `(${all.join(', ')})` : ''}`;
          });
        return [replicated, ...(wide ? [] : distributedFor(qualified))];
      }
      return [
        statement
          .replace(
            /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\S+)/,
            `CREATE MATERIALIZED VIEW IF NOT EXISTS $1 ${onCluster}`,
          )
          .replace(/^ALTER TABLE (\S+) /, `ALTER TABLE $1 ${onCluster} `),
      ];
    },
  };
}
