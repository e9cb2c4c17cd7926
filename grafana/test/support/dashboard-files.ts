import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root and the folders of the Grafana stack. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const GRAFANA_DIR = join(REPO_ROOT, 'grafana');
export const DASHBOARDS_DIR = join(GRAFANA_DIR, 'dashboards');

/** The parts of Grafana's dashboard JSON model the tests read. */
export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export interface PanelTarget {
  refId: string;
  datasource?: DatasourceRef;
  editorType?: string;
  /** sqlds format: 0 time series, 1 table, 2 logs, 3 trace. */
  format?: number;
  queryType?: string;
  rawSql?: string;
}

export interface FieldLink {
  title: string;
  url: string;
  internal?: { datasourceUid: string; datasourceName?: string; query: PanelTarget };
}

export interface FieldOverride {
  matcher: { id: string; options?: unknown };
  properties: { id: string; value?: unknown }[];
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: DatasourceRef;
  targets?: PanelTarget[];
  panels?: Panel[];
  fieldConfig?: { defaults?: { links?: FieldLink[] }; overrides?: FieldOverride[] };
  transformations?: { id: string; options?: Record<string, unknown> }[];
}

export interface TemplateVariable {
  type: string;
  name: string;
  label?: string;
  datasource?: DatasourceRef;
  /** The plugin's variable model (`{ rawSql }`) or a legacy SQL string. */
  query?: string | { rawSql?: string };
  definition?: string;
  multi?: boolean;
  includeAll?: boolean;
  current?: { text?: unknown; value?: unknown };
}

export interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  tags?: string[];
  panels: Panel[];
  templating: { list: TemplateVariable[] };
  links?: unknown[];
}

export interface DashboardFile {
  file: string;
  dashboard: Dashboard;
}

export function readDashboardFiles(): DashboardFile[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard }));
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Panels that run queries (rows and text panels do not). */
export function queryPanels(dashboard: Dashboard): Panel[] {
  return allPanels(dashboard).filter((panel) => (panel.targets ?? []).length > 0);
}

export function variableSql(variable: TemplateVariable): string {
  const query = variable.query;
  return (typeof query === 'string' ? query : query?.rawSql) ?? '';
}

/** Trace queries behind the panels' "open trace" links. */
export function linkedQueries(panel: Panel): PanelTarget[] {
  return (panel.fieldConfig?.overrides ?? [])
    .flatMap((override) => override.properties)
    .filter((property) => property.id === 'links')
    .flatMap((property) => (property.value as FieldLink[] | undefined) ?? [])
    .concat(panel.fieldConfig?.defaults?.links ?? [])
    .flatMap((link) => (link.internal ? [link.internal.query] : []));
}
