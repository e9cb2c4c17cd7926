import { existsSync, readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { collectorConfigFromEnvironment, parseAuthTokens, parseCollectorConfig } from '@tradetrace/collector';
import { buildProgram } from 'tradetrace';
import { DASHBOARDS_DIR, GRAFANA_DIR, readDashboardFiles, REPO_ROOT } from './support/dashboard-files.ts';

/** The parts of a compose file the stack relies on. */
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  profiles?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

interface DatasourceJsonData {
  host: string;
  port: number;
  protocol: string;
  username: string;
  defaultDatabase: string;
  traces: { defaultDatabase: string; defaultTable: string; otelEnabled: boolean };
  logs: { defaultDatabase: string; defaultTable: string; otelEnabled: boolean };
}

const read = (...path: string[]) => readFileSync(join(REPO_ROOT, ...path), 'utf8');
const composeText = read('docker-compose.yml');
const compose = parse(composeText) as ComposeFile;
const services = compose.services;
const datasource = (
  parse(read('grafana', 'provisioning', 'datasources', 'clickhouse.yaml')) as {
    datasources: { jsonData: DatasourceJsonData; secureJsonData: Record<string, string> }[];
  }
).datasources[0]!;
const dashboardProvider = (
  parse(read('grafana', 'provisioning', 'dashboards', 'tradetrace.yaml')) as {
    providers: { options: { path: string } }[];
  }
).providers[0]!;
const usersXml = read('grafana', 'clickhouse', 'users.d', 'tradetrace-users.xml');
const envExample = new Map(
  read('.env.example')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
);
const rootPackage = JSON.parse(read('package.json')) as {
  workspaces: string[];
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR:?message}`: the variable names. */
function composeVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{(\w+)(?::?[-?][^}]*)?\}/g)].map((m) => m[1]!))];
}

/** A filled-in .env: .env.example with every change-me replaced by a value of its own, as the user is told to. */
const filledEnv = new Map(
  [...envExample].map(([name, value]) => [
    name,
    value === 'change-me' ? `${name.toLowerCase().replaceAll('_', '-')}-0123456789abcdef` : value,
  ]),
);

/** Fills `${VAR...}` from the filled-in .env, the way compose does. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?[-?][^}]*)?\}/g, (_match, name: string) => filledEnv.get(name) ?? '');
}

/** A bind or named volume: `source:target[:mode]`. */
function mounts(service: ComposeService): { source: string; target: string; mode: string | undefined }[] {
  return (service.volumes ?? []).map((entry) => {
    const [source = '', target = '', mode] = entry.split(':');
    return { source, target, mode };
  });
}

/** Flag values of a compose command, checked against the real `tradetrace` CLI definition. */
function parseCliCommand(command: string[]): { name: string; options: Record<string, unknown>; unknown: string[] } {
  const [name = '', ...args] = command;
  const subcommand = buildProgram().commands.find((c) => c.name() === name);
  if (!subcommand) throw new Error(`tradetrace has no command ${name}`);
  const { unknown, operands } = subcommand.parseOptions(args);
  return { name, options: subcommand.opts(), unknown: [...unknown, ...operands] };
}

/** Users declared in users.xml with their profile, password variable and grants. */
function clickhouseUser(name: string): { profile: string; passwordFromEnv: string; grants: string[] } {
  const block = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(usersXml)?.[1];
  if (!block) throw new Error(`users.xml has no user ${name}`);
  return {
    profile: /<profile>(\w+)<\/profile>/.exec(block)?.[1] ?? '',
    passwordFromEnv: /<password from_env="(\w+)"\/>/.exec(block)?.[1] ?? '',
    grants: [...block.matchAll(/<query>([^<]+)<\/query>/g)].map((m) => m[1]!),
  };
}

describe('docker-compose.yml', () => {
  it('runs ClickHouse, the collector and Grafana, and the simulated bot only in the demo profile', () => {
    expect(Object.keys(services).sort()).toEqual(['clickhouse', 'collector', 'demo', 'grafana']);
    expect(services.demo!.profiles).toEqual(['demo']);
    for (const name of ['clickhouse', 'collector', 'grafana']) expect(services[name]!.profiles, name).toBeUndefined();
  });

  it('pins the official images to exact versions', () => {
    expect(services.clickhouse!.image).toMatch(/^clickhouse\/clickhouse-server:\d+\.\d+\.\d+\.\d+$/);
    expect(services.grafana!.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(services.grafana!.environment!.GF_PLUGINS_PREINSTALL_SYNC).toMatch(
      /^grafana-clickhouse-datasource@\d+\.\d+\.\d+$/,
    );
  });

  it('keeps every service data on a declared named volume', () => {
    const named = (service: string, target: string) =>
      mounts(services[service]!).find((m) => m.target === target)?.source;
    for (const [service, target] of [
      ['clickhouse', '/var/lib/clickhouse'],
      ['collector', '/var/lib/tradetrace'],
      ['grafana', '/var/lib/grafana'],
    ] as const) {
      const volume = named(service, target);
      expect(volume, `${service} ${target}`).toMatch(/^[a-z-]+$/);
      expect(Object.keys(compose.volumes)).toContain(volume);
    }
  });

  it('mounts only files that exist, read-only', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const mount of mounts(service).filter((m) => m.source.startsWith('./'))) {
        expect(existsSync(join(REPO_ROOT, mount.source)), `${name}: ${mount.source}`).toBe(true);
        expect(mount.mode, `${name}: ${mount.source}`).toBe('ro');
      }
    }
  });

  it('publishes ports on loopback only', () => {
    const published = Object.values(services).flatMap((s) => s.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('starts the collector and Grafana once ClickHouse is healthy, and the demo once the collector is', () => {
    expect(services.clickhouse!.healthcheck!.test.join(' ')).toContain('http://127.0.0.1:8123/ping');
    expect(services.collector!.depends_on).toEqual({ clickhouse: { condition: 'service_healthy' } });
    expect(services.grafana!.depends_on).toEqual({ clickhouse: { condition: 'service_healthy' } });
    expect(services.demo!.depends_on).toEqual({ collector: { condition: 'service_healthy' } });
  });

  it('takes every secret from .env, which .env.example documents with placeholders only', () => {
    const used = composeVariables(composeText);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(envExample.has(name), `${name} in .env.example`).toBe(true);
    for (const name of used.filter((n) => /PASSWORD|TOKEN/.test(n))) {
      expect(composeText, `${name} must be required`).toMatch(new RegExp(`\\$\\{${name}:\\?`));
      expect(envExample.get(name), name).toBe('change-me');
    }
    expect(read('.gitignore').split('\n')).toContain('.env');
    expect(read('.dockerignore').split('\n')).toContain('.env');
  });
});

describe('the collector service agrees with the collector configuration', () => {
  const collector = services.collector!;
  const cli = parseCliCommand(collector.command!);
  const environment = Object.fromEntries(
    Object.entries(collector.environment ?? {}).map(([k, v]) => [k, interpolate(v)]),
  );
  const config = parseCollectorConfig({
    ...collectorConfigFromEnvironment(environment),
    host: cli.options.host as string,
    port: cli.options.port as string,
    dataPath: cli.options.data as string,
    clickhouseUrl: cli.options.clickhouseUrl as string,
    clickhouseUser: cli.options.clickhouseUser as string,
    database: cli.options.database as string,
  });

  it('runs `tradetrace collector` with flags the CLI defines, giving a valid configuration', () => {
    expect(cli.name).toBe('collector');
    expect(cli.unknown).toEqual([]);
    expect(config.host).toBe('0.0.0.0');
  });

  it('writes to the compose ClickHouse as its writer user, password from the environment', () => {
    const url = new URL(config.clickhouseUrl!);
    expect(Object.keys(services)).toContain(url.hostname);
    expect(url.port).toBe('8123');
    const writer = clickhouseUser(config.clickhouseUser!);
    expect(writer.grants).toContain(`GRANT ALL ON ${config.database}.*`);
    expect(config.clickhousePassword).toBe(filledEnv.get(writer.passwordFromEnv));
    expect(services.clickhouse!.environment![writer.passwordFromEnv]).toContain(`\${${writer.passwordFromEnv}:?`);
    expect(collector.environment!.CLICKHOUSE_PASSWORD).toContain(`\${${writer.passwordFromEnv}:?`);
  });

  it('requires bearer tokens, since it listens beyond loopback: an ingest token for bots, a read token for /metrics', () => {
    expect(parseAuthTokens(config.authTokens!, 'TRADETRACE_AUTH_TOKENS')).toEqual([
      { token: filledEnv.get('TRADETRACE_INGEST_TOKEN'), role: 'ingest' },
      { token: filledEnv.get('TRADETRACE_READ_TOKEN'), role: 'read' },
    ]);
    // The placeholder itself is refused, so a stack started from an unedited copy of .env.example does not come up open.
    expect(() => parseAuthTokens(envExample.get('TRADETRACE_INGEST_TOKEN')!, '.env.example')).toThrow();
  });

  it('keeps its spool on the named volume and answers its healthcheck on /readyz at its port', () => {
    expect(mounts(collector).map((m) => m.target)).toContain(config.dataPath);
    expect(collector.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${config.port}/readyz`);
    expect(collector.ports).toEqual([`127.0.0.1:${config.port}:${config.port}`]);
  });

  it('uses the database Grafana reads, and ClickHouse never reaches back to the collector', () => {
    expect(datasource.jsonData.defaultDatabase).toBe(config.database);
    expect(datasource.jsonData.traces.defaultDatabase).toBe(config.database);
    expect(datasource.jsonData.logs.defaultDatabase).toBe(config.database);
    // The collector-health dashboard reads the history the collector writes (otel.collector_metrics): no URL table over
    // /metrics, so no init script and no collector token inside ClickHouse.
    expect(mounts(services.clickhouse!).map((m) => m.target)).not.toContain('/docker-entrypoint-initdb.d');
    expect(existsSync(join(GRAFANA_DIR, 'clickhouse', 'initdb'))).toBe(false);
    expect(Object.keys(services.clickhouse!.environment ?? {})).not.toContain('TRADETRACE_READ_TOKEN');
    expect(config.healthIntervalMs).toBeGreaterThan(0);
    for (const { dashboard } of readDashboardFiles()) {
      const tables = JSON.stringify(dashboard).match(/\b\w+\.(otel_\w+|trading_\w+|llm_\w+|collector_\w+)/g) ?? [];
      for (const table of tables) expect(table.split('.')[0], `${dashboard.uid}: ${table}`).toBe(config.database);
    }
  });

  it('is the image the demo profile runs too, and the demo sends with the collector token', () => {
    expect(services.demo!.image).toBe(collector.image);
    expect(services.demo!.environment!.OTEL_EXPORTER_OTLP_HEADERS).toBe(
      'Authorization=Bearer%20${TRADETRACE_INGEST_TOKEN:?set TRADETRACE_INGEST_TOKEN in .env (see .env.example)}',
    );
    expect(collector.environment!.TRADETRACE_AUTH_TOKENS).toContain('${TRADETRACE_INGEST_TOKEN:?');
  });

  it('demo profile: `tradetrace demo` sends to the compose collector with flags the CLI defines', () => {
    const demo = parseCliCommand(services.demo!.command!);
    expect(demo.unknown).toEqual([]);
    expect(new URL(String(demo.options.endpoint)).host).toBe(`collector:${config.port}`);
  });
});

describe('the grafana service and its provisioning', () => {
  const grafana = services.grafana!;

  it('loads the provisioning folder and the dashboards where the provider looks for them', () => {
    const byTarget = new Map(mounts(grafana).map((m) => [m.target, m.source]));
    expect(byTarget.get('/etc/grafana/provisioning')).toBe('./grafana/provisioning');
    expect(join(REPO_ROOT, byTarget.get(dashboardProvider.options.path) ?? '')).toBe(DASHBOARDS_DIR);
    const home = grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(home.startsWith(`${dashboardProvider.options.path}/`)).toBe(true);
    expect(existsSync(join(DASHBOARDS_DIR, home.slice(dashboardProvider.options.path.length + 1)))).toBe(true);
  });

  it('connects the datasource to the compose ClickHouse as its read-only user', () => {
    expect(datasource.jsonData).toMatchObject({ host: 'clickhouse', port: 8123, protocol: 'http' });
    const reader = clickhouseUser(datasource.jsonData.username);
    expect(reader.profile).toBe('tradetrace_readonly');
    expect(usersXml).toMatch(/<tradetrace_readonly>\s*<readonly>1<\/readonly>/);
    expect(reader.grants.every((grant) => grant.startsWith('GRANT SELECT ON '))).toBe(true);
    expect(datasource.secureJsonData.password).toBe(`\${${reader.passwordFromEnv}}`);
    expect(grafana.environment![reader.passwordFromEnv]).toContain(`\${${reader.passwordFromEnv}:?`);
    expect(services.clickhouse!.environment![reader.passwordFromEnv]).toContain(`\${${reader.passwordFromEnv}:?`);
  });

  it("switches on OTel mode for the collector's traces and logs tables", () => {
    expect(datasource.jsonData.traces).toMatchObject({ defaultTable: 'otel_traces', otelEnabled: true });
    expect(datasource.jsonData.logs).toMatchObject({ defaultTable: 'otel_logs', otelEnabled: true });
  });

  it('keeps anonymous viewers off unless .env turns them on, and asks for an admin password', () => {
    expect(grafana.environment!.GF_AUTH_ANONYMOUS_ENABLED).toBe('${GRAFANA_ANONYMOUS_ENABLED:-false}');
    expect(envExample.get('GRAFANA_ANONYMOUS_ENABLED')).toBe('false');
    expect(grafana.environment!.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
    expect(grafana.environment!.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
  });
});

/** Dockerfile instructions, stage by stage. */
interface DockerStage {
  name: string;
  image: string;
  instructions: { keyword: string; args: string }[];
}

function dockerStages(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword === 'FROM') {
      const [image = '', , name = ''] = rest;
      stages.push({ name, image, instructions: [] });
    } else stages.at(-1)?.instructions.push({ keyword, args });
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerStages(read('Dockerfile'));
  const build = stages.find((s) => s.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('npm run build')));
  const runtime = stages.at(-1)!;
  const dockerignore = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const excluded = (path: string) =>
    dockerignore.some((pattern) =>
      path.split('/').some((_, i, parts) => matchesGlob(parts.slice(0, i + 1).join('/'), pattern)),
    );

  it('type-checks and builds as a developer does, with every file both read in the context and no local build', () => {
    expect(build, 'a stage that runs npm run build').toBeDefined();
    expect(rootPackage.scripts.typecheck).toBe('tsc -b');
    expect(rootPackage.scripts.build).toBe('tsc -b tsconfig.build.json');
    const tsconfig = JSON.parse(read('tsconfig.json')) as { include: string[] };
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'tsconfig.package.json',
    ])
      expect(excluded(path), path).toBe(false);
    for (const workspace of rootPackage.workspaces) {
      for (const path of [
        `${workspace}/package.json`,
        `${workspace}/tsconfig.build.json`,
        `${workspace}/src/index.ts`,
        `${workspace}/test/x.test.ts`,
      ])
        expect(excluded(path), path).toBe(false);
      // A build on the developer's machine may be stale; the image builds its own.
      expect(excluded(`${workspace}/build/index.js`), workspace).toBe(true);
    }
    expect(tsconfig.include.length).toBeGreaterThan(0);
    for (const pattern of tsconfig.include)
      expect(excluded(pattern.replaceAll('**/', 'x/').replaceAll('*', 'x')), pattern).toBe(false);
  });

  it("installs with every workspace manifest in place, without chDB's optional engine", () => {
    const copyAll = build!.instructions.findIndex((i) => i.keyword === 'COPY' && i.args === '. .');
    const install = build!.instructions.findIndex((i) => i.keyword === 'RUN' && /(^| )npm ci /.test(i.args));
    expect(copyAll).toBeGreaterThanOrEqual(0);
    expect(install).toBeGreaterThan(copyAll);
    for (const workspace of rootPackage.workspaces)
      expect(existsSync(join(REPO_ROOT, workspace, 'package.json')), workspace).toBe(true);
    expect(build!.instructions[install]!.args).toContain('--omit=optional');
    expect(
      build!.instructions.findIndex((i) => i.keyword === 'RUN' && i.args === 'npm run typecheck && npm run build'),
    ).toBeGreaterThan(install);
  });

  it('runs Node >= 22.18 (native TypeScript), the major of the repository`s node devDependency', () => {
    for (const stage of stages) {
      const [major = 0, minor = 0] = (/^node:(\d+)\.(\d+)\.\d+-/.exec(stage.image) ?? []).slice(1).map(Number);
      expect(major * 100 + minor, stage.image).toBeGreaterThanOrEqual(2218);
      expect(String(major)).toBe(/\d+/.exec(rootPackage.devDependencies.node!)![0]);
    }
  });

  it('ships only type-checked code from the build stage, as a non-root user, running the tradetrace command', () => {
    expect(runtime.instructions).toContainEqual({ keyword: 'COPY', args: `--from=${build!.name} /app /app` });
    expect(runtime.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args).toBe('node');
    // The compiled cli/src/bin.ts, which the published `tradetrace` command runs too.
    const cliBuild = JSON.parse(read('cli', 'tsconfig.build.json')) as { compilerOptions: Record<string, string> };
    expect(cliBuild.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'build' });
    expect(read('cli', 'bin', 'tradetrace.js')).toContain("await import('../build/bin.js')");
    const entrypoint = JSON.parse(runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')!.args) as string[];
    expect(entrypoint).toEqual(['node', '/app/cli/build/bin.js']);
    const defaults = JSON.parse(runtime.instructions.find((i) => i.keyword === 'CMD')!.args) as string[];
    expect(parseCliCommand(defaults)).toMatchObject({ name: 'collector', unknown: [] });
  });

  it('keeps every workspace the tradetrace command imports (its @tradetrace dependencies, transitively)', () => {
    const prune = build!.instructions.find((i) => i.keyword === 'RUN' && i.args.includes('npm prune'))!.args;
    const removed = /rm -rf ([^&]+)/.exec(prune)?.[1]?.trim().split(/\s+/) ?? [];
    const workspaceOf = new Map(
      rootPackage.workspaces.map((w) => [(JSON.parse(read(w, 'package.json')) as { name: string }).name, w]),
    );
    const needed = new Set<string>();
    const visit = (workspace: string) => {
      if (needed.has(workspace)) return;
      needed.add(workspace);
      const manifest = JSON.parse(read(workspace, 'package.json')) as { dependencies?: Record<string, string> };
      for (const dependency of Object.keys(manifest.dependencies ?? {})) {
        const next = workspaceOf.get(dependency);
        if (next) visit(next);
      }
    };
    visit('cli');
    expect([...needed]).toEqual(expect.arrayContaining(['cli', 'collector', 'storage']));
    for (const workspace of needed) {
      for (const path of [`${workspace}/src/index.ts`, `${workspace}/build/index.js`])
        expect(
          removed.some((pattern) => matchesGlob(path, pattern) || matchesGlob(workspace, pattern)),
          path,
        ).toBe(false);
      expect(excluded(`${workspace}/src/index.ts`), workspace).toBe(false);
    }
  });
});

describe('grafana/README.md', () => {
  const readme = readFileSync(join(GRAFANA_DIR, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Dashboards'));

  it('has a Dashboards section describing every dashboard, without screenshots', () => {
    expect(readme).toContain('## Dashboards');
    for (const { dashboard } of readDashboardFiles())
      expect(section, dashboard.title).toContain(dashboard.title.replace('tradetrace / ', ''));
    expect(section).not.toMatch(/!\[|<img|\.png|\.jpg/);
  });

  it('gives the exact docker compose steps, with the files they need', () => {
    for (const step of ['cp .env.example .env', 'docker compose up -d --build', 'docker compose --profile demo up'])
      expect(section).toContain(step);
    expect(section).toContain('http://127.0.0.1:3000');
  });
});
