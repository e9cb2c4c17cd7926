/**
 * `npm run test:outside-in`: tradetrace as a bot team meets it. Builds and packs every public package, installs the
 * tarballs into a scratch project outside this repository that brings its own Node 22 (the npm package `node`, as a
 * user would have it), then there: starts the installed `tradetrace collector`, runs an ES module bot and a CommonJS
 * bot against it, type-checks a TypeScript bot with `tsc --strict` against the shipped types, stops the collector and
 * counts what the installed `tradetrace export` writes, and checks that `tradetrace versions list` holds the versions
 * the bots ran, registered by the bots themselves. Exits non-zero, naming the step, when anything fails; keeps
 * the scratch folder then (its path is printed).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { z } from 'zod';
import { packPublicPackages, tarballPaths } from './pack-public-packages.ts';
import { SDK_NAME } from './tarball-contents.ts';
import { readManifest, REPO_ROOT } from './public-packages.ts';

const BOTS_DIR = join(REPO_ROOT, 'release', 'outside-in-bots');
/** Decision ids the two running bots make (the TypeScript bot is only type-checked). */
const EXPECTED_DECISIONS = ['esm-bot-0', 'esm-bot-1', 'esm-bot-2', 'cjs-bot-0', 'cjs-bot-1', 'cjs-bot-2'];
const COLLECTOR_START_MS = 180_000;
const COLLECTOR_STOP_MS = 60_000;

/**
 * The scratch project's environment: this process's, without what `npm run` and the repository add (its
 * node_modules/.bin on PATH, with Node 22 and tsc in it; npm_* settings; the source export condition).
 */
function outsideEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|NODE_OPTIONS$|INIT_CWD$)/i.test(key)) env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !dir.startsWith(REPO_ROOT) && !dir.split(sep).includes('node_modules'))
    .join(delimiter);
  return env;
}

const steps: { name: string; seconds: number }[] = [];

async function step<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  process.stdout.write(`\n▶ ${name}\n`);
  const started = performance.now();
  try {
    return await run();
  } catch (error) {
    throw new Error(`outside-in step "${name}" failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    steps.push({ name, seconds: (performance.now() - started) / 1000 });
  }
}

/** Runs a command to its end; its output goes to ours unless `capture`, then it is returned. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; capture?: boolean }) {
  return execFileSync(command, args, {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
}

/** A bot's run: fails on a non-zero exit and on anything written to stderr (a warning included). */
async function runBotToEnd(nodeBin: string, file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(nodeBin, [file], { cwd, env, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${file} exited with ${code}: ${stderr}`);
  if (stderr.trim()) throw new Error(`${file} wrote to stderr: ${stderr}`);
}

interface RunningCollector {
  url: string;
  stop(): Promise<void>;
}

/**
 * `npx tradetrace collector` in the scratch project. npx runs the command as a child of its own; the collector's
 * listening line names its pid, which the stop signals (a group kill stands by should it not end).
 */
async function startCollector(cwd: string, dataPath: string, env: NodeJS.ProcessEnv): Promise<RunningCollector> {
  const child: ChildProcess = spawn('npx', ['tradetrace', 'collector', '--port', '0', '--data', dataPath], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  };
  process.once('exit', killGroup);
  let output = '';
  const listening = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL after ${COLLECTOR_START_MS} ms: ${output}`)),
      COLLECTOR_START_MS,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /\{"level":\d+,"time":\d+,"pid":(\d+)[^\n]*"url":"(http:[^"]+)"/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve({ pid: Number(found[1]), url: found[2]! });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the collector exited (${code}) before listening: ${output}`));
    });
  });
  return {
    url: listening.url,
    async stop() {
      process.kill(listening.pid, 'SIGTERM');
      const timer = setTimeout(killGroup, COLLECTOR_STOP_MS);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`the collector exited with ${code} on SIGTERM: ${output}`);
    },
  };
}

const TripletLineSchema = z.looseObject({
  decision_id: z.string(),
  reward: z.looseObject({ value: z.number().nullable() }),
});

async function main(): Promise<void> {
  const started = performance.now();
  const env = outsideEnvironment();
  const root = readManifest(REPO_ROOT);
  // Node 22 as the repository's devDependency names it, the tools in the repository's own versions: all in npm's cache.
  const version = (name: string) =>
    z
      .object({ version: z.string() })
      .parse(JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'))).version;
  const tools = [
    `node@${root.devDependencies?.node ?? '22'}`,
    ...['typescript', '@types/node', 'zod'].map((name) => `${name}@${version(name)}`),
  ];

  await step('build (npm run build)', () => run('npm', ['run', 'build'], { cwd: REPO_ROOT, env }));

  const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'tradetrace-outside-in-')));
  if (scratch.startsWith(REPO_ROOT)) throw new Error(`the scratch folder ${scratch} is inside the repository`);
  process.stdout.write(`scratch project: ${scratch}\n`);
  const tarballs = join(scratch, 'tarballs');
  const project = join(scratch, 'bot');
  mkdirSync(tarballs);
  mkdirSync(project);

  const packed = await step('pack every public package, check each tarball', () => {
    const results = packPublicPackages(tarballs, env);
    for (const r of results) process.stdout.write(`  ${r.filename}: ${r.files.length} files\n`);
    const sdk = results.find((r) => r.name === SDK_NAME)!;
    const entries = sdk.files.map((f) => f.path).filter((path) => /^build\/index\./.test(path));
    process.stdout.write(`  ${SDK_NAME}: ${entries.join(', ')}; dependencies OpenTelemetry and zod only\n`);
    return results;
  });

  await step('install the tarballs and Node 22 into the scratch project', () => {
    // The engine (chDB) and Node come with install scripts; npm asks for them to be allowed, as the repository does.
    const manifest = { name: 'outside-in-bot', private: true, allowScripts: root.allowScripts ?? {} };
    writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const file of readdirSync(BOTS_DIR)) copyFileSync(join(BOTS_DIR, file), join(project, file));
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballPaths(tarballs, packed), ...tools],
      { cwd: project, env },
    );
  });

  const nodeBin = join(project, 'node_modules', '.bin', 'node');
  const nodeVersion = run(nodeBin, ['--version'], { cwd: project, env, capture: true }).trim();
  if (!nodeVersion.startsWith('v22.')) throw new Error(`the scratch project's Node is ${nodeVersion}, not 22`);
  process.stdout.write(`scratch project's Node: ${nodeVersion}\n`);

  const dataPath = join(scratch, 'data');
  const collector = await step('npx tradetrace collector (installed CLI, embedded engine)', async () => {
    const running = await startCollector(project, dataPath, env);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    const version = /nodejs_version_info\{version="(v[\d.]+)"/.exec(metrics)?.[1];
    if (version !== nodeVersion) throw new Error(`the collector runs on Node ${version}, not ${nodeVersion}`);
    process.stdout.write(`  listening on ${running.url}, Node ${version}\n`);
    return running;
  });
  const botEnv = { ...env, COLLECTOR_URL: collector.url };
  try {
    await step('ES module bot (esm-bot.mjs)', () => runBotToEnd(nodeBin, 'esm-bot.mjs', project, botEnv));
    await step('CommonJS bot (cjs-bot.cjs, require)', () => runBotToEnd(nodeBin, 'cjs-bot.cjs', project, botEnv));
    await step('tsc --strict --noEmit of a TypeScript bot', () =>
      run('npx', ['tsc', '--strict', '--noEmit', '-p', 'tsconfig.json'], { cwd: project, env }),
    );
  } finally {
    await step('stop the collector (SIGTERM)', () => collector.stop());
  }

  await step('npx tradetrace export (installed CLI)', () => {
    const out = join(scratch, 'triplets.jsonl');
    run('npx', ['tradetrace', 'export', '--data', dataPath, '--format', 'jsonl', '--out', out], { cwd: project, env });
    const triplets = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => TripletLineSchema.parse(JSON.parse(line)));
    const ids = triplets.map((t) => t.decision_id).sort();
    if (JSON.stringify(ids) !== JSON.stringify([...EXPECTED_DECISIONS].sort()))
      throw new Error(`exported decisions ${ids.join(', ')}; expected ${EXPECTED_DECISIONS.join(', ')}`);
    const unrewarded = triplets.filter((t) => t.reward.value === null).map((t) => t.decision_id);
    if (unrewarded.length > 0) throw new Error(`no reward joined to ${unrewarded.join(', ')}`);
    process.stdout.write(`  ${triplets.length} triplets, every one rewarded\n`);
  });

  await step('npx tradetrace versions list (the bots registered their versions themselves)', () => {
    const listed = z.array(z.looseObject({ version: z.string(), registered: z.boolean(), config: z.unknown() })).parse(
      JSON.parse(
        run('npx', ['tradetrace', 'versions', 'list', '--data', dataPath, '--strategy', 'momentum', '--json'], {
          cwd: project,
          env,
          capture: true,
        }),
      ),
    );
    const registered = listed.filter((v) => v.registered).map((v) => JSON.stringify(v.config));
    const expected = [{ rsiBuy: 30 }, { rsiBuy: 35 }].map((config) => JSON.stringify(config));
    if (JSON.stringify(registered.sort()) !== JSON.stringify(expected))
      throw new Error(`registered configs ${registered.join(', ') || 'none'}; expected ${expected.join(', ')}`);
    process.stdout.write(`  ${registered.length} versions registered by the bots, with their configs\n`);
  });

  rmSync(scratch, { recursive: true, force: true });
  process.stdout.write('\noutside-in: passed\n');
  for (const s of steps) process.stdout.write(`  ${s.seconds.toFixed(1).padStart(7)} s  ${s.name}\n`);
  process.stdout.write(`  ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s  total\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
