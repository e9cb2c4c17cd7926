import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRAFANA_DIR } from './dashboard-files.ts';

/** The initdb script of the compose ClickHouse that creates the URL table over the collector's /metrics. */
export const COLLECTOR_METRICS_SCRIPT = join(GRAFANA_DIR, 'clickhouse', 'initdb', 'collector-metrics.sh');
/** Where that table reads in the compose stack, and the environment variable that holds its read token. */
export const METRICS_URL_IN_STACK = 'http://collector:4318/metrics';
export const READ_TOKEN_VARIABLE = 'TRADETRACE_READ_TOKEN';

/** The script's SQL (its `<<SQL` here-document), with the URL and the token it would get inside the stack replaced. */
export function collectorMetricsStatements(metricsUrl: string, readToken: string): string[] {
  const script = readFileSync(COLLECTOR_METRICS_SCRIPT, 'utf8');
  const sql = /<<SQL\n([\s\S]*?)\nSQL\n/.exec(script)?.[1];
  if (sql === undefined) throw new Error(`${COLLECTOR_METRICS_SCRIPT}: no <<SQL here-document`);
  if (!sql.includes(METRICS_URL_IN_STACK) || !sql.includes(`\${${READ_TOKEN_VARIABLE}}`))
    throw new Error(`${COLLECTOR_METRICS_SCRIPT}: expected ${METRICS_URL_IN_STACK} and \${${READ_TOKEN_VARIABLE}}`);
  return sql
    .replaceAll(METRICS_URL_IN_STACK, metricsUrl)
    .replaceAll(`\${${READ_TOKEN_VARIABLE}}`, readToken)
    .split(';')
    .map((statement) => statement.trim())
    .filter(Boolean);
}
