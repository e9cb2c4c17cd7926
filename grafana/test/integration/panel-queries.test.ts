import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseSettings } from '@clickhouse/client';
import { startCollector, type RunningCollector } from '@tradetrace/collector';
import { collectReportData, computeVersionStats, renderReportHtml } from '@tradetrace/analytics';
import { runDemo, type DemoResult } from '@tradetrace/demo';
import { init } from '@tradetrace/sdk';
import { openStorage, type Storage } from '@tradetrace/storage';
import {
  ALL_VALUE,
  expandPanelSql,
  type QueryContext,
  type TemplateVariableState,
} from '../support/clickhouse-plugin-macros.ts';
import { linkedQueries, queryPanels, readDashboardFiles, variableSql, type Panel } from '../support/dashboard-files.ts';

/** Column names and ClickHouse types of a result, as the plugin's backend sees them. */
interface ResultColumn {
  name: string;
  type: string;
}

interface QueryResult {
  meta: ResultColumn[];
  data: Record<string, unknown>[];
}

/** Panels the data cannot fill (by dashboard uid, or `uid/panel title`): their SQL still runs and their columns are still checked. */
const PANELS_WITHOUT_DEMO_DATA: Record<string, string> = {
  'tradetrace-collector-health/Log records and error spans': 'the demo sends no log records and no span ends in error',
};

/** How often the test's collectors write their health samples, and how long the collector stays stopped in between. */
const HEALTH_INTERVAL_MS = 100;
const OUTAGE_MS = 3_000;

/** Dashboards of the bots' trading (not of the collector): on the demo's data every panel has rows with every value set. */
const TRADING_DASHBOARDS = [
  'tradetrace-strategy-performance',
  'tradetrace-decisions-rewards',
  'tradetrace-execution',
  'tradetrace-llm-calls',
];

/** The start of a time series row's interval, in ms. */
const at = (row: Record<string, unknown>) => Date.parse(String(row.time));
const isTime = (type: string) => /^(Nullable\()?(DateTime|Date)/.test(type);
const isNumber = (type: string) => /^(Nullable\()?(LowCardinality\()?(U?Int\d+|Float\d+|Decimal|Bool)/.test(type);
const isText = (type: string) => /^(Nullable\()?(LowCardinality\()?(Nullable\()?String/.test(type);

const dashboards = readDashboardFiles();

describe("every dashboard panel's SQL on the demo's data (embedded ClickHouse, plugin macros expanded)", () => {
  let dataPath: string;
  let collector: RunningCollector;
  /** The engine the panels are read from once every collector has stopped. */
  let storage: Storage;
  let timeRange: Pick<QueryContext, 'from' | 'to' | 'intervalSeconds'>;
  let demo: DemoResult;
  /** When the test's collector ran, stopped and ran again (ms since the epoch). */
  const runs = { firstStarted: 0, stopped: 0, restarted: 0, stoppedAgain: 0 };

  async function query(sql: string, settings: ClickHouseSettings = {}): Promise<QueryResult> {
    const result = await (storage ?? collector.storage).client.query({
      query: sql,
      format: 'JSON',
      clickhouse_settings: settings,
    });
    return result.json<QueryResult['data'][number]>() as unknown as Promise<QueryResult>;
  }

  /**
   * Runs a query as Grafana's ClickHouse user may: readonly=1 (no writes, no temporary tables, no table functions).
   * The embedded engine keeps the setting for the rest of its session; the panels are read with every collector
   * stopped (beforeAll), as the collector-health dashboard must work then.
   */
  const run = (sql: string) => query(sql, { readonly: '1' });

  beforeAll(async () => {
    dataPath = join(mkdtempSync(join(tmpdir(), 'tradetrace-grafana-')), 'demo');
    // Orders and fills included: the demo trades on a simulated exchange (seeded: with seed 3 at this size, one of
    // its orders is rejected and one limit order canceled).
    demo = await runDemo({ dataPath, candles: 45, seed: 3, log: () => {} });
    // A collector on the demo's folder, with auth on as in the stack, writing its health history every 100 ms.
    const ingestToken = randomBytes(18).toString('hex');
    const readToken = randomBytes(18).toString('hex');
    runs.firstStarted = Date.now();
    collector = await startCollector({
      port: 0,
      dataPath,
      authTokens: `${ingestToken},read:${readToken}`,
      healthIntervalMs: HEALTH_INTERVAL_MS,
    });
    // One undecodable request, so the rejection panels have a real counter to read.
    const refused = await fetch(`${collector.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${ingestToken}` },
      body: new Uint8Array([0xff, 0xff, 0xff]),
    });
    expect(refused.status).toBe(400);
    await sendThroughCollector(ingestToken);
    // The collector goes down, stays down, runs again for a moment and stops: the dashboard is read after that.
    await collector.close();
    runs.stopped = Date.now();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    runs.restarted = Date.now();
    const again = await startCollector({ port: 0, dataPath, healthIntervalMs: HEALTH_INTERVAL_MS });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await again.close();
    runs.stoppedAgain = Date.now();
    storage = await openStorage({ dataPath });

    const bounds = (
      await run(
        `SELECT toUnixTimestamp(min(Timestamp)) AS first, toUnixTimestamp(max(Timestamp)) AS last FROM otel.otel_traces`,
      )
    ).data[0]!;
    const from = new Date((Number(bounds.first) - 60) * 1000);
    const to = new Date((Number(bounds.last) + 60) * 1000);
    // Grafana's $__interval: the range over the panel's data points (about 100 here), at least 1 s.
    timeRange = { from, to, intervalSeconds: Math.max(1, Math.round((to.getTime() - from.getTime()) / 1000 / 100)) };
  }, 180_000);

  /**
   * The demo ran on a collector of its own: this one gets a few requests of its own while it runs (spans outside any
   * trading operation, so the trading panels still show the demo alone), for its spool and insert history.
   */
  async function sendThroughCollector(ingestToken: string): Promise<void> {
    const tt = init({
      serviceName: 'demo-paper-bot',
      endpoint: collector.url,
      headers: { authorization: `Bearer ${ingestToken}` },
      scheduledDelayMillis: 10,
      shutdownOnExit: false,
    });
    const probes = 4;
    for (let i = 0; i < probes; i++) {
      tt.tracer.startSpan('collector health probe').end();
      await tt.forceFlush();
    }
    await tt.shutdown();
    // The collector acknowledges once the spans are durable; they reach the table a moment later.
    for (let attempt = 0; attempt < 200; attempt++) {
      const [row] = (await query(`SELECT count() AS n FROM otel.otel_traces WHERE SpanName = 'collector health probe'`))
        .data;
      if (Number(row?.n) === probes) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the ${probes} probe spans did not reach otel_traces`);
  }

  afterAll(async () => {
    await collector?.close();
    await storage?.close();
    if (dataPath) rmSync(join(dataPath, '..'), { recursive: true, force: true });
  });

  const resolved = new Map<string, Promise<Map<string, TemplateVariableState>>>();

  /** Resolves the dashboard's variables in order (later ones may use earlier ones), like Grafana on load; a copy per call. */
  async function resolveVariables(
    dashboardIndex: number,
    selection: 'all' | 'first',
  ): Promise<Map<string, TemplateVariableState>> {
    const key = `${dashboardIndex}/${selection}`;
    if (!resolved.has(key)) {
      resolved.set(
        key,
        (async () => {
          const variables = new Map<string, TemplateVariableState>();
          for (const variable of dashboards[dashboardIndex]!.dashboard.templating.list) {
            const sql = expandPanelSql(variableSql(variable), { ...timeRange, variables });
            const options = (await run(sql)).data.map((row) => String(Object.values(row)[0]));
            const current = selection === 'all' ? [ALL_VALUE] : options.slice(0, 1);
            variables.set(variable.name, { current, options, multi: variable.multi ?? false });
          }
          return variables;
        })(),
      );
    }
    return new Map(await resolved.get(key)!);
  }

  function expectColumnsFor(panel: Panel, result: QueryResult): void {
    const columns = result.meta;
    const names = columns.map((c) => c.name);
    if (panel.type === 'timeseries') {
      // The plugin's time series: a DateTime column `time` first, numbers after it, at most one text column to split series by.
      expect(columns[0]?.name).toBe('time');
      expect(isTime(columns[0]!.type), `${columns[0]?.name}: ${columns[0]?.type}`).toBe(true);
      const rest = columns.slice(1);
      expect(rest.filter((c) => isNumber(c.type)).length).toBeGreaterThan(0);
      expect(rest.filter((c) => !isNumber(c.type)).every((c) => isText(c.type))).toBe(true);
      expect(rest.filter((c) => !isNumber(c.type)).length).toBeLessThanOrEqual(1);
      const times = result.data.map((row) => Date.parse(String(row.time)));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    } else if (['stat', 'bargauge', 'gauge', 'histogram'].includes(panel.type)) {
      expect(
        columns.some((c) => isNumber(c.type)),
        names.join(', '),
      ).toBe(true);
    } else if (['piechart', 'barchart'].includes(panel.type)) {
      expect(columns.some((c) => isText(c.type))).toBe(true);
      expect(columns.some((c) => isNumber(c.type))).toBe(true);
    }
    for (const override of panel.fieldConfig?.overrides ?? []) {
      if (override.matcher.id === 'byName') expect(names).toContain(override.matcher.options);
    }
    for (const transformation of panel.transformations ?? []) {
      for (const field of (transformation.options?.fields as string[] | undefined) ?? [])
        expect(names).toContain(field);
    }
  }

  dashboards.forEach(({ file, dashboard }, dashboardIndex) => {
    describe(`${file} (${dashboard.title})`, () => {
      const emptyReasonOf = (panel: Panel) =>
        PANELS_WITHOUT_DEMO_DATA[dashboard.uid] ?? PANELS_WITHOUT_DEMO_DATA[`${dashboard.uid}/${panel.title}`];

      it('resolves every template variable from the demo data', async () => {
        const variables = await resolveVariables(dashboardIndex, 'first');
        for (const [name, state] of variables) expect(state.options.length, `variable ${name}`).toBeGreaterThan(0);
      });

      for (const panel of queryPanels(dashboard)) {
        it(`"${panel.title}" (${panel.type}) runs with All selected and returns the columns it shows`, async () => {
          const variables = await resolveVariables(dashboardIndex, 'all');
          for (const target of panel.targets ?? []) {
            const result = await run(expandPanelSql(target.rawSql ?? '', { ...timeRange, variables }));
            expectColumnsFor(panel, result);
            if (emptyReasonOf(panel) === undefined)
              expect(result.data.length, `${panel.title}: no rows`).toBeGreaterThan(0);
            if (TRADING_DASHBOARDS.includes(dashboard.uid)) {
              // Every value of a trading panel is there on the demo's data (ClickHouse writes NaN and infinities as null).
              for (const { name } of result.meta) {
                const nulls = result.data.filter((row) => row[name] === null).length;
                expect(nulls, `${panel.title}: ${nulls} of ${result.data.length} values of ${name} are null`).toBe(0);
              }
            }
          }
        });

        it(`"${panel.title}" runs with one value of every variable selected`, async () => {
          const variables = await resolveVariables(dashboardIndex, 'first');
          for (const target of panel.targets ?? []) {
            expectColumnsFor(panel, await run(expandPanelSql(target.rawSql ?? '', { ...timeRange, variables })));
          }
        });
        const emptyReason = emptyReasonOf(panel);
        if (emptyReason !== undefined) it.skip(`"${panel.title}" is not checked for rows: ${emptyReason}`, () => {});
      }
    });
  });

  describe('numbers that must agree with the demo', () => {
    it('the versions table gives the numbers of `tradetrace stats` (computeVersionStats)', async () => {
      const board = dashboards.findIndex((d) => d.dashboard.uid === 'tradetrace-strategy-performance');
      const panel = queryPanels(dashboards[board]!.dashboard).find((p) => p.title === 'Versions side by side')!;
      const variables = await resolveVariables(board, 'all');
      const rows = (await run(expandPanelSql(panel.targets![0]!.rawSql!, { ...timeRange, variables }))).data;
      const stats = await computeVersionStats(storage, {
        since: timeRange.from.toISOString(),
        until: timeRange.to.toISOString(),
      });
      expect(stats.length).toBeGreaterThanOrEqual(2);
      expect(rows.length).toBe(stats.length);
      const asNumber = (value: unknown) => (value === null ? null : Number(value));
      for (const expected of stats) {
        const row = rows.find((r) => r.version === `${expected.strategy_name}@${expected.strategy_version}`);
        expect(row, `${expected.strategy_name}@${expected.strategy_version}`).toBeDefined();
        expect(asNumber(row!.decisions)).toBe(expected.decisions);
        expect(asNumber(row!.trades)).toBe(expected.trades);
        for (const field of [
          'win_rate',
          'total_pnl',
          'mean_return',
          'sharpe',
          'max_drawdown',
          'profit_factor',
          'expectancy',
        ] as const) {
          const value = expected[field];
          if (value === null) expect(row![field], field).toBeNull();
          else expect(asNumber(row![field]), field).toBeCloseTo(value, 9);
        }
      }
    });

    it('narrowing to one strategy version keeps only that version', async () => {
      const board = dashboards.findIndex((d) => d.dashboard.uid === 'tradetrace-strategy-performance');
      const panel = queryPanels(dashboards[board]!.dashboard).find((p) => p.title === 'Versions side by side')!;
      const variables = await resolveVariables(board, 'all');
      const version = variables.get('version')!;
      expect(version.options.length).toBeGreaterThanOrEqual(2);
      variables.set('version', { ...version, current: [version.options[1]!] });
      const rows = (await run(expandPanelSql(panel.targets![0]!.rawSql!, { ...timeRange, variables }))).data;
      expect(rows.map((r) => String(r.version).split('@')[1])).toEqual([version.options[1]]);
    });

    it("the decision's trace link opens the decision span with its LLM call in the trace view format", async () => {
      const board = dashboards.findIndex((d) => d.dashboard.uid === 'tradetrace-llm-calls');
      const panel = queryPanels(dashboards[board]!.dashboard).find((p) => linkedQueries(p).length > 0)!;
      const variables = await resolveVariables(board, 'all');
      const rows = (await run(expandPanelSql(panel.targets![0]!.rawSql!, { ...timeRange, variables }))).data;
      const traceId = String(rows[0]?.decision_trace_id ?? '');
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      const [traceQuery] = linkedQueries(panel);
      expect(traceQuery!.format).toBe(3);
      // Grafana fills ${__value.raw} with the clicked cell before the plugin sees the query.
      const spans = (
        await run(
          expandPanelSql(traceQuery!.rawSql!.replaceAll('${__value.raw}', traceId), { ...timeRange, variables }),
        )
      ).data;
      expect(Object.keys(spans[0] ?? {})).toEqual(
        expect.arrayContaining([
          'traceID',
          'spanID',
          'parentSpanID',
          'serviceName',
          'operationName',
          'startTime',
          'duration',
          'tags',
          'serviceTags',
        ]),
      );
      const names = spans.map((s) => String(s.operationName));
      expect(names.some((n) => n.startsWith('decide '))).toBe(true);
      expect(names.some((n) => n.startsWith('chat '))).toBe(true);
      expect(spans.every((s) => s.traceID === traceId)).toBe(true);
    });

    it("the execution panels count the simulated exchange's orders, rejections, cancels and fees", async () => {
      const board = dashboards.findIndex((d) => d.dashboard.uid === 'tradetrace-execution');
      const panels = queryPanels(dashboards[board]!.dashboard);
      const variables = await resolveVariables(board, 'all');
      const rowsOf = async (title: string) =>
        (
          await run(
            expandPanelSql(panels.find((p) => p.title === title)!.targets![0]!.rawSql!, { ...timeRange, variables }),
          )
        ).data;
      expect(demo.exchange.rejected).toBeGreaterThan(0);
      expect(demo.exchange.canceled).toBeGreaterThan(0);
      const rejections = await rowsOf('Rejected and canceled orders');
      expect(rejections.reduce((sum, row) => sum + Number(row.rejected), 0)).toBe(demo.exchange.rejected);
      expect(rejections.reduce((sum, row) => sum + Number(row.canceled), 0)).toBe(demo.exchange.canceled);
      const fees = await rowsOf('Fees');
      expect(fees.every((row) => row.currency === 'USDC')).toBe(true);
      expect(fees.reduce((sum, row) => sum + Number(row.fees), 0)).toBeCloseTo(demo.exchange.fees, 6);
      // Fills arrive after the submit answered: the fill rate reads each order's latest state, not its submit.
      const fillRates = await rowsOf('Fill rate');
      expect(fillRates.length).toBe(3); // the demo's three versions
      for (const row of fillRates) {
        for (const share of [Number(row.filled_orders), Number(row.filled_amount)]) {
          expect(share).toBeGreaterThan(0);
          expect(share).toBeLessThanOrEqual(1 + 1e-9);
        }
      }
      const [stored] = (await run('SELECT count() AS fills FROM otel.trading_fills')).data;
      expect(Number(stored!.fills)).toBe(demo.exchange.fills);
      for (const row of await rowsOf('Slippage vs decision price'))
        expect(Number.isFinite(row.slippage_bps)).toBe(true);
    });

    it('the HTML report has data in every section on the demo data', async () => {
      const data = await collectReportData(storage);
      expect(data.versions).toHaveLength(3);
      for (const version of data.versions) {
        expect(version.stats.trades, version.label).toBeGreaterThan(1);
        expect(version.equity.length, version.label).toBe(version.stats.trades);
        expect(version.rewards.length, version.label).toBeGreaterThan(0);
        const nulls = Object.entries(version.stats).filter(([, value]) => value === null);
        expect(
          nulls.map(([key]) => key),
          version.label,
        ).toEqual([]);
      }
      expect(data.llmModels.length).toBeGreaterThan(0);
      for (const model of data.llmModels) expect(model.costUsd, model.model).not.toBeNull();
      expect(data.comparisons.length).toBeGreaterThan(0);
      const html = renderReportHtml(data, '/* chart library left out */');
      expect(html).not.toMatch(/class="muted">No /);
    });

    it('the reward distribution counts each reward the bot emitted once', async () => {
      const board = dashboards.findIndex((d) => d.dashboard.uid === 'tradetrace-decisions-rewards');
      const panel = queryPanels(dashboards[board]!.dashboard).find(
        (p) => p.title === 'Reward distribution per version',
      )!;
      const variables = await resolveVariables(board, 'all');
      const rows = (await run(expandPanelSql(panel.targets![0]!.rawSql!, { ...timeRange, variables }))).data;
      // Emitted rewards, from the raw spans: reward spans, plus reward events on any other span.
      const [emitted] = (
        await run(`SELECT countIf(SpanAttributes['trading.operation.name'] = 'reward')
          + arraySum(groupArrayIf(countEqual(Events.Name, 'trading.reward'), SpanAttributes['trading.operation.name'] != 'reward')) AS rewards
        FROM otel.otel_traces`)
      ).data;
      expect(rows.reduce((sum, row) => sum + Number(row.rewards), 0)).toBe(Number(emitted!.rewards));
    });
  });

  describe('collector health, read with the collector stopped (history it wrote into ClickHouse)', () => {
    const board = dashboards.findIndex((d) => d.dashboard.uid === 'tradetrace-collector-health');
    const panels = queryPanels(dashboards[board]!.dashboard);
    const historyPanels = panels.filter((p) => p.targets!.some((t) => t.rawSql!.includes('collector_metrics')));
    /** From before the demo to now, in 1-second intervals: the outage spans whole intervals. */
    const healthContext = async (): Promise<QueryContext> => ({
      from: timeRange.from,
      to: new Date(Date.now() + 1_000),
      intervalSeconds: 1,
      variables: await resolveVariables(board, 'all'),
    });
    const rowsOf = async (title: string) =>
      (await run(expandPanelSql(panels.find((p) => p.title === title)!.targets![0]!.rawSql!, await healthContext())))
        .data;

    it('no panel reads a URL table or url(): only MergeTree tables of the otel database and system.parts', async () => {
      expect(historyPanels.length).toBeGreaterThanOrEqual(10);
      for (const panel of panels) {
        const sql = panel.targets!.map((t) => t.rawSql!).join('\n');
        expect(sql, panel.title).not.toMatch(/\b(url|urlCluster|remote|file|s3)\s*\(/i);
        for (const [, database, table] of sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)\.(\w+)/gi)) {
          const [engine] = (
            await run(`SELECT engine FROM system.tables WHERE database = '${database}' AND name = '${table}'`)
          ).data;
          expect(String(engine?.engine), `${panel.title}: ${database}.${table}`).toMatch(/MergeTree$|^SystemParts$/);
        }
      }
      expect(JSON.stringify(dashboards[board]!.dashboard)).not.toMatch(/tradetrace_ops|\/metrics'/);
    });

    for (const title of historyPanels.map((p) => p.title)) {
      it(`"${title}" returns the stored history and shows the outage`, async () => {
        const panel = panels.find((p) => p.title === title)!;
        const rows = await rowsOf(title);
        expect(rows.length, title).toBeGreaterThan(0);
        if (panel.type === 'stat') {
          for (const value of Object.values(rows[0]!)) expect(Number.isFinite(Number(value)), title).toBe(true);
        }
        if (panel.type !== 'timeseries') return;
        const values = (row: Record<string, unknown>) =>
          Object.entries(row)
            .filter(([name]) => name !== 'time')
            .map(([, value]) => value);
        // Intervals of the run hold samples (one at start, one at stop, one every 100 ms); intervals wholly inside the
        // outage hold none.
        const running = rows.filter((r) => at(r) + 1_000 > runs.firstStarted && at(r) < runs.stopped);
        const down = rows.filter((r) => at(r) >= runs.stopped && at(r) + 1_000 <= runs.restarted);
        expect(running.length, title).toBeGreaterThan(0);
        expect(down.length, title).toBeGreaterThanOrEqual(Math.floor(OUTAGE_MS / 1_000) - 1);
        const reported = (value: unknown) => value !== null && Number(value) !== 0;
        expect(
          running.some((r) => values(r).some(reported)),
          title,
        ).toBe(true);
        for (const row of down) expect(values(row).filter(reported), `${title} at ${String(row.time)}`).toEqual([]);
      });
    }

    it('"Items per second" and "Collector reports" draw a gap (null) and zero reports where the collector was down', async () => {
      const items = await rowsOf('Items per second');
      const reports = await rowsOf('Collector reports');
      const downInterval = (rows: Record<string, unknown>[]) =>
        rows.find((r) => at(r) >= runs.stopped && at(r) + 1_000 <= runs.restarted);
      expect(downInterval(items)).toMatchObject({
        accepted_spans: null,
        accepted_log_records: null,
        rejected_items: null,
        stored_rows: null,
      });
      expect(Number(downInterval(reports)?.reports)).toBe(0);
      // Reports again from the restart on: 1 s of 100 ms samples, plus the one at start and the one at stop.
      const afterRestart = reports.filter((r) => at(r) + 1_000 > runs.restarted);
      expect(afterRestart.reduce((sum, r) => sum + Number(r.reports), 0)).toBeGreaterThanOrEqual(2);
    });

    it('"Last report" says how long ago the collector last wrote, counted from its stop', async () => {
      const [row] = await rowsOf('Last report');
      const seconds = Number(row!.seconds_since_last_report);
      expect(seconds).toBeGreaterThanOrEqual(0);
      expect(seconds * 1_000).toBeLessThanOrEqual(Date.now() - runs.stoppedAgain + 2 * HEALTH_INTERVAL_MS + 1_000);
      const collectors = await rowsOf('Collectors');
      // The demo's collector, then the test's collector twice (a new port each run).
      expect(collectors.length).toBe(3);
    });

    it('counts every span accepted and the one refused request, across the runs', async () => {
      const [accepted] = await rowsOf('Accepted spans');
      const [stored] = (await run('SELECT count() AS spans FROM otel.otel_traces')).data;
      expect(Number(accepted!.spans)).toBe(Number(stored!.spans));
      expect(await rowsOf('Rejections by reason')).toEqual([{ signal: 'traces', reason: 'undecodable', items: 1 }]);
      expect(Number((await rowsOf('Rejected items'))[0]!.items)).toBe(1);
      expect(Number((await rowsOf('Spool bytes'))[0]!.spool_bytes)).toBe(0);
    });
  });
});
