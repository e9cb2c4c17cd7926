import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

/** The real CLI as a process; asynchronous, so a server in this process (a taken port) keeps answering. */
function tradetrace(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One line naming the problem and its catalogued code, exit 1, no stack trace. */
function expectOneLineError(run: { code: number | null; stderr: string }, code: string, text: RegExp): void {
  expect(run.code).toBe(1);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(text);
  expect(lines[0]).toContain(`(${code})`);
}

// Each case starts real CLI processes, several in a row: generous limits for a loaded machine (none is a speed claim).
describe('tradetrace answers ordinary mistakes (as a process)', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-mistakes-'));
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('a read command on a folder without a store names the path and creates nothing', async () => {
    const missing = join(root, 'typo', 'data');
    for (const args of [['stats'], ['versions', 'list'], ['export', '--format', 'jsonl']]) {
      const run = await tradetrace(...args, '--data', missing);
      expectOneLineError(run, 'TT_CLI_NO_STORE', new RegExp(`${missing} holds no tradetrace store`));
    }
    expect(existsSync(join(root, 'typo'))).toBe(false);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expectOneLineError(await tradetrace('report', '--data', empty), 'TT_CLI_NO_STORE', /holds no tradetrace store/);
    expect(existsSync(join(empty, 'metadata'))).toBe(false);
  });

  it('a bad flag or an unreadable file a flag names is one line with its code', async () => {
    expectOneLineError(
      await tradetrace('export', '--format', 'yaml', '--data', root),
      'TT_CLI_INVALID_INPUT',
      /--format: /,
    );
    const config = join(root, 'no-such-config.json');
    expectOneLineError(
      await tradetrace('versions', 'add', '--strategy', 'momentum', '--config', config, '--data', root),
      'TT_CLI_INVALID_INPUT',
      new RegExp(`--config: cannot read ${config}`),
    );
  });

  it('--verbose adds the stack trace', async () => {
    const run = await tradetrace('stats', '--data', join(root, 'none'), '--verbose');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it('a collector on a folder under a regular file or under /proc says so', async () => {
    writeFileSync(join(root, 'file'), 'not a folder');
    expectOneLineError(
      await tradetrace('collector', '--port', '0', '--data', join(root, 'file', 'data')),
      'TT_STORAGE_DATA_PATH_UNUSABLE',
      /cannot use .*file\/data as the data folder: a part of the path is a file.*--data/,
    );
    expectOneLineError(
      await tradetrace('collector', '--port', '0', '--data', '/proc/tradetrace-nope/data'),
      'TT_STORAGE_DATA_PATH_UNUSABLE',
      /cannot use \/proc\/tradetrace-nope\/data as the data folder/,
    );
  });

  const readOnly = join(root, 'read-only');
  mkdirSync(readOnly);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tradetrace-test', readOnly]).status === 0;
  it.skipIf(!mounted)('a collector on a read-only filesystem says so (needs mount, e.g. as root)', async () => {
    try {
      expectOneLineError(
        await tradetrace('collector', '--port', '0', '--data', join(readOnly, 'data')),
        'TT_STORAGE_DATA_PATH_UNUSABLE',
        /read-only filesystem/,
      );
    } finally {
      spawnSync('umount', [readOnly]);
    }
  });

  it('a taken port says which and what to do', async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expectOneLineError(
      await tradetrace('collector', '--port', String(port), '--data', join(root, 'port-data')),
      'TT_COLLECTOR_ADDRESS_IN_USE',
      new RegExp(`127\\.0\\.0\\.1:${port} is taken by another program.*--port`),
    );
  });

  it('a normal start prints no deprecation warning', async () => {
    const child = spawn(process.execPath, [BIN, 'collector', '--port', '0', '--data', join(root, 'clean')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    for await (const line of createInterface({ input: child.stdout! }))
      if ((JSON.parse(line) as { msg?: string }).msg?.startsWith('collector listening')) break;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(stderr).not.toMatch(/Deprecation|DEP\d/);
    expect(stderr).toBe('');
  });
});
