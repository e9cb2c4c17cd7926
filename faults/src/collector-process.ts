import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { NODE_BIN, REPO_ROOT } from './repo-paths.ts';
import { RssSampler } from './rss-sampler.ts';

export interface CollectorLaunch {
  dataPath: string;
  /** 0 picks a free port; a restart passes the previous port so clients keep their URL. */
  port?: number;
  /** Collector settings through its own environment layer, e.g. `{ TRADETRACE_SPOOL_MAX_BYTES: '1048576' }` (both entries read it). */
  env?: Record<string, string>;
  /**
   * `cli`: the real `tradetrace collector` command. `fault-injecting`: the same collector with its ClickHouse sink
   * wrapped by the collector's fault-injecting sink, switched by `setStorage` (faults/src/fault-injecting-collector-main.ts).
   */
  entry?: 'cli' | 'fault-injecting';
  /** How long start-up (engine, migrations, spool replay) may take. */
  startTimeoutMs?: number;
}

export interface CollectorProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly rss: RssSampler;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The last lines the process wrote, for failure messages. */
  recentOutput(): string;
  /** fault-injecting entry only: makes every INSERT fail (`down`) or pass (`up`); resolves once the child applied it. */
  setStorage(state: 'down' | 'up'): Promise<void>;
  /** SIGTERM (flush, exit); resolves with the exit code; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL: no flush, no goodbye. */
  kill9(): Promise<void>;
}

const KEPT_LINES = 40;

/** Starts a collector as a child process on loopback and waits for the JSON log line that carries its URL. */
export async function launchCollector(launch: CollectorLaunch): Promise<CollectorProcess> {
  const entry = launch.entry ?? 'cli';
  const flags = ['--host', '127.0.0.1', '--port', String(launch.port ?? 0), '--data', launch.dataPath];
  const args =
    entry === 'cli'
      ? ['cli/src/bin.ts', 'collector', ...flags]
      : ['faults/src/fault-injecting-collector-main.ts', ...flags];
  const child = spawn(NODE_BIN, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...launch.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.shift();
  };
  // A scenario that fails before stopping its collector must not leave it running after the test process ends.
  const killOnExit = () => signal(child, 'SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', killOnExit);
      resolve(code);
    }),
  );
  createInterface({ input: child.stderr! }).on('line', keep);
  const stdout = createInterface({ input: child.stdout! });
  const storageAcks: ((state: string) => void)[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`the collector did not start within ${launch.startTimeoutMs ?? 120_000} ms:\n${lines.join('\n')}`),
        ),
      launch.startTimeoutMs ?? 120_000,
    );
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the collector exited (code ${code}) before listening:\n${lines.join('\n')}`));
    });
    stdout.on('line', (line) => {
      keep(line);
      const record = parseJsonLine(line);
      if (typeof record?.url === 'string' && record.url.startsWith('http://')) {
        clearTimeout(timer);
        resolve(record.url);
      }
      if (typeof record?.storage === 'string' && record.fault === true) storageAcks.shift()?.(record.storage);
    });
  });
  const port = Number(new URL(url).port);
  const rss = new RssSampler(child.pid!);
  void exited.then(() => rss.stop());
  return {
    url,
    port,
    pid: child.pid!,
    rss,
    exited,
    recentOutput: () => lines.join('\n'),
    setStorage(state) {
      if (entry !== 'fault-injecting') throw new Error('setStorage needs the fault-injecting collector entry');
      return new Promise<void>((resolve) => {
        storageAcks.push(() => resolve());
        child.stdin!.write(`${state}\n`);
      });
    },
    async stop(timeoutMs = 60_000) {
      signal(child, 'SIGTERM');
      const timer = setTimeout(() => signal(child, 'SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill9() {
      signal(child, 'SIGKILL');
      await exited;
    },
  };
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(name);
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
