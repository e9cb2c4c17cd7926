import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tradetrace-collector-command-'));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, 'collector', '--data', join(root, 'data'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });

describe('tradetrace collector configuration', () => {
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('names the bad flag', () => {
    const result = run(['--spool-max-bytes', '-5']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--spool-max-bytes: /);
    expect(result.stderr.trim()).toMatch(/\(TT_COLLECTOR_BAD_CONFIG\)$/);
  });

  it('validates the environment the same way, naming the variable that holds the bad value', () => {
    const result = run([], { TRADETRACE_MAX_CONCURRENT_REQUESTS: 'many' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/TRADETRACE_MAX_CONCURRENT_REQUESTS: /);
    expect(result.stderr).not.toMatch(/--max-concurrent-requests/);
  });

  it('names the flag when a flag overrides a bad environment value', () => {
    const result = run(['--max-concurrent-requests', '0'], { TRADETRACE_MAX_CONCURRENT_REQUESTS: 'many' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--max-concurrent-requests: /);
  });

  it('names an unknown key of the configuration file, and the file', () => {
    const file = join(root, 'collector.json');
    writeFileSync(file, JSON.stringify({ port: 0, spoolMaxByte: 10 }));
    const result = run(['--config', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`invalid configuration file ${file}`);
    expect(result.stderr).toMatch(/spoolMaxByte/);
  });

  it('names a malformed auth token entry', () => {
    const result = run(['--port', '0'], { TRADETRACE_AUTH_TOKENS: 'short' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^tradetrace: authTokens entry 1: a token must be at least 16 characters/);
  });
});
