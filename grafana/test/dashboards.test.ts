import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALL_VALUE, expandPanelSql, type TemplateVariableState } from './support/clickhouse-plugin-macros.ts';
import {
  allPanels,
  GRAFANA_DIR,
  linkedQueries,
  queryPanels,
  readDashboardFiles,
  variableSql,
  type DatasourceRef,
} from './support/dashboard-files.ts';

interface ProvisionedDatasource {
  uid: string;
  type: string;
}

const provisioned = (
  parse(readFileSync(join(GRAFANA_DIR, 'provisioning', 'datasources', 'clickhouse.yaml'), 'utf8')) as {
    datasources: ProvisionedDatasource[];
  }
).datasources;
const dashboards = readDashboardFiles();

/** The variables every tradetrace dashboard offers (issue 7: service/bot, strategy name, version, symbol, mode). */
const STANDARD_VARIABLES = ['service', 'strategy', 'version', 'symbol', 'mode'];

/** Names used as `$name`, `${name}` or `[[name]]`, leaving out `$__` macros and Grafana globals. */
function referencedVariables(sql: string): string[] {
  const names = [...sql.matchAll(/\$(\w+)|\[\[(\w+?)(?::\w+)?\]\]|\$\{(\w+)(?:[.:][^}]*)?\}/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? '',
  );
  return [...new Set(names.filter((name) => !name.startsWith('__')))];
}

describe('provisioned dashboards (grafana/dashboards/*.json)', () => {
  it('has the five dashboards of issue 7, each with a unique uid and title', () => {
    expect(dashboards.map((d) => d.dashboard.uid).sort()).toEqual([
      'tradetrace-collector-health',
      'tradetrace-decisions-rewards',
      'tradetrace-execution',
      'tradetrace-llm-calls',
      'tradetrace-strategy-performance',
    ]);
    expect(new Set(dashboards.map((d) => d.dashboard.title)).size).toBe(dashboards.length);
  });

  it('provisions exactly one ClickHouse datasource with a fixed uid', () => {
    expect(provisioned).toHaveLength(1);
    expect(provisioned[0]).toMatchObject({ uid: 'tradetrace-clickhouse', type: 'grafana-clickhouse-datasource' });
  });

  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      const datasourceRefs = (): DatasourceRef[] => [
        ...dashboard.templating.list.map((v) => v.datasource ?? {}),
        ...allPanels(dashboard).flatMap((p) =>
          p.targets ? [p.datasource ?? {}, ...p.targets.map((t) => t.datasource ?? {})] : [],
        ),
        ...allPanels(dashboard).flatMap((p) => linkedQueries(p).map((q) => q.datasource ?? {})),
      ];

      it('uses only the provisioned datasource', () => {
        const refs = datasourceRefs();
        expect(refs.length).toBeGreaterThan(0);
        for (const ref of refs) expect(ref).toEqual({ type: provisioned[0]!.type, uid: provisioned[0]!.uid });
      });

      it('offers the standard variables, multi-value with All selected by default', () => {
        expect(dashboard.templating.list.map((v) => v.name)).toEqual(STANDARD_VARIABLES);
        for (const variable of dashboard.templating.list) {
          expect(variable, variable.name).toMatchObject({ type: 'query', multi: true, includeAll: true });
          expect(variable.current?.value).toEqual([ALL_VALUE]);
          expect(variableSql(variable)).toMatch(/^SELECT DISTINCT/);
        }
      });

      it('references only variables that exist, and each variable only ones defined before it', () => {
        const names = dashboard.templating.list.map((v) => v.name);
        dashboard.templating.list.forEach((variable, index) => {
          for (const used of referencedVariables(variableSql(variable)))
            expect(names.slice(0, index), `${variable.name} uses $${used}`).toContain(used);
        });
        for (const panel of queryPanels(dashboard)) {
          for (const target of panel.targets ?? []) {
            for (const used of referencedVariables(target.rawSql ?? ''))
              expect(names, `${panel.title} uses $${used}`).toContain(used);
          }
        }
      });

      it('expands every query with the plugin macros (no unknown macro or variable)', () => {
        const variables = new Map<string, TemplateVariableState>(
          dashboard.templating.list.map((v) => [v.name, { current: ['x'], options: ['x'], multi: true }]),
        );
        const context = { from: new Date(0), to: new Date(3_600_000), intervalSeconds: 60, variables };
        for (const panel of queryPanels(dashboard)) {
          for (const target of panel.targets ?? [])
            expect(expandPanelSql(target.rawSql ?? '', context), panel.title).not.toMatch(/\$/);
          for (const query of linkedQueries(panel))
            expect(expandPanelSql(query.rawSql!.replaceAll('${__value.raw}', 'x'), context)).not.toMatch(/\$/);
        }
      });

      it('asks the plugin for the format each panel draws: time series for graphs, table otherwise', () => {
        for (const panel of queryPanels(dashboard)) {
          for (const target of panel.targets ?? []) {
            expect(target.editorType, panel.title).toBe('sql');
            expect(target.format, panel.title).toBe(panel.type === 'timeseries' ? 0 : 1);
          }
        }
      });

      it('lays its panels out on the 24-column grid with unique ids and a description each', () => {
        const panels = allPanels(dashboard);
        expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
        for (const panel of panels) {
          expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
          expect(panel.description?.length ?? 0, panel.title).toBeGreaterThan(10);
        }
      });
    });
  }
});
