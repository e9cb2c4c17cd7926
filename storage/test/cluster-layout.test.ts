import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_MIGRATIONS,
  CLUSTER_WIDE_TABLES,
  DEFAULT_LLM_PRICES,
  llmPricingStatements,
  openStorage,
  planSchema,
  type Storage,
} from '@tradetrace/storage';

// There is no ClickHouse cluster here: these tests check the generated DDL's structure, and that the real
// engine's parser accepts every statement (formatQuery parses without executing).
let storage: Storage;

beforeAll(async () => {
  storage = await openStorage({ dataPath: ':memory:' });
});

afterAll(async () => {
  await storage.close();
});

const plan = planSchema('otel', { cluster: 'trading', ttl: { days: 90 } });
const pricing = llmPricingStatements(plan, {
  ...DEFAULT_LLM_PRICES,
  'my-model': { inputUsdPerMTok: 1, outputUsdPerMTok: 2, cachedInputUsdPerMTok: 0.5 },
});
const statements = [
  ...plan.ledgerStatements(),
  ...ALL_MIGRATIONS.flatMap((m) => plan.migrationStatements(m)),
  ...plan.ttlStatements(),
  ...pricing,
];
const singleServer = planSchema('otel');
const singleServerTables = ALL_MIGRATIONS.flatMap((m) => singleServer.migrationStatements(m))
  .map((s) => /^CREATE TABLE IF NOT EXISTS `otel`\.`(\w+)`/.exec(s)?.[1])
  .filter((name): name is string => name !== undefined);

function created(kind: 'TABLE' | 'MATERIALIZED VIEW'): Map<string, string> {
  const pattern = new RegExp(`^CREATE ${kind} IF NOT EXISTS \`otel\`\\.\`(\\w+)\``);
  return new Map(
    statements.flatMap((s) => {
      const name = pattern.exec(s)?.[1];
      return name === undefined ? [] : [[name, s] as const];
    }),
  );
}

describe('planSchema with a cluster', () => {
  it('runs every statement on the cluster', () => {
    for (const statement of statements)
      expect(statement).toMatch(
        /^(CREATE TABLE|CREATE MATERIALIZED VIEW|ALTER TABLE) IF NOT EXISTS `otel`\.`\w+` ON CLUSTER `trading`|^ALTER TABLE `otel`\.`\w+` ON CLUSTER `trading` /,
      );
  });

  it('creates every sharded table as a Replicated table named <name>_local, with the default replica path', () => {
    const tables = created('TABLE');
    for (const name of singleServerTables.filter((n) => !CLUSTER_WIDE_TABLES.has(n))) {
      const local = tables.get(`${name}_local`);
      expect(local, name).toBeDefined();
      expect(local).toMatch(/ENGINE = Replicated\w*MergeTree(\s|\(\w)/);
    }
    expect(tables.get('otel_traces_local')).toContain('ENGINE = ReplicatedMergeTree\nPARTITION BY toDate(Timestamp)');
    expect(tables.get('otel_traces_trace_id_ts_local')).toContain('ENGINE = ReplicatedAggregatingMergeTree\n');
  });

  it('fronts each sharded table with a Distributed table under the single-server name', () => {
    const tables = created('TABLE');
    for (const name of singleServerTables.filter((n) => !CLUSTER_WIDE_TABLES.has(n))) {
      const key = name === 'otel_traces' || name === 'otel_traces_trace_id_ts' ? 'cityHash64(TraceId)' : 'rand()';
      expect(tables.get(name), name).toBe(
        `CREATE TABLE IF NOT EXISTS \`otel\`.\`${name}\` ON CLUSTER \`trading\` AS \`otel\`.\`${name}_local\`\nENGINE = Distributed('trading', 'otel', '${name}_local', ${key})`,
      );
    }
  });

  it('keeps cluster-wide tables whole on every node, on one replication path for all shards', () => {
    const tables = created('TABLE');
    expect(tables.get('llm_prices')).toContain(
      `ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/all', '{replica}', UpdatedAt)`,
    );
    expect(tables.get('tradetrace_schema_migrations')).toContain(
      `ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/all', '{replica}') ORDER BY version`,
    );
    expect(tables.has('llm_prices_local')).toBe(false);
  });

  it('lets materialized views read and write the local tables of their node', () => {
    const views = created('MATERIALIZED VIEW');
    expect(views.size).toBeGreaterThanOrEqual(9);
    for (const [name, view] of views) {
      expect(view, name).toMatch(/\nTO `otel`\.`\w+_local`\n/);
      expect(view, name).toMatch(/\nFROM `otel`\.`otel_(traces|logs)_local`/);
    }
    expect(views.get('llm_calls_from_spans_mv_local')).toContain("'gpt-4o-mini', 'gpt-5-mini'");
  });

  it('puts new LLM prices into the view on every node', () => {
    expect(pricing).toHaveLength(1);
    expect(pricing[0]).toMatch(
      /^ALTER TABLE `otel`\.`llm_calls_from_spans_mv_local` ON CLUSTER `trading` MODIFY QUERY WITH\n/,
    );
    expect(pricing[0]).toContain("'my-model'");
    expect(pricing[0]).toContain('FROM `otel`.`otel_traces_local`');
  });

  it('leaves insert deduplication to the Replicated engines', () => {
    expect(statements.filter((s) => s.includes('non_replicated_deduplication_window'))).toEqual([]);
  });

  it('sets the retention on the local tables', () => {
    expect(statements).toContain(
      'ALTER TABLE `otel`.`otel_traces_local` ON CLUSTER `trading` MODIFY TTL toDate(Timestamp) + toIntervalDay(90)',
    );
  });

  it('writes statements the ClickHouse parser accepts', async () => {
    for (const statement of statements) {
      const result = await storage.client.query({
        query: 'SELECT formatQuery({q:String}) AS f',
        query_params: { q: statement },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ f: string }>();
      expect(row?.f, statement).toMatch(/^(CREATE|ALTER)/);
    }
  });
});
