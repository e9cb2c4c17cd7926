import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage } from '@tradetrace/storage';

const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

const traceRequest = (service: string) => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: [
            {
              traceId: '5B8EFFF798038103D269B633813FC60C',
              spanId: 'EEE19B7EC3C1B174',
              name: 'decide SOL/USDC:USDC',
              kind: 1,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000001000000',
              attributes: [
                { key: 'trading.operation.name', value: { stringValue: 'decide' } },
                { key: 'trading.decision.id', value: { stringValue: 'd-1' } },
              ],
            },
          ],
        },
      ],
    },
  ],
});

describe('tradetrace (as a process)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tradetrace-cli-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists its commands and rejects a bad flag with a message that names it', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    for (const command of ['collector', 'export', 'demo']) expect(help.stdout).toContain(command);
    const bad = run('export', '--format', 'xml', '--data', join(root, 'none'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--format/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('collector: stores what it acknowledged and exits 0 on SIGTERM; export then reads it back', async () => {
    const data = join(root, 'collector-data');
    const child = spawn(process.execPath, [BIN, 'collector', '--port', '0', '--data', data], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    let url = '';
    for await (const line of lines) {
      const entry = JSON.parse(line) as { url?: string };
      if (entry.url) {
        url = entry.url;
        break;
      }
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const response = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(traceRequest('cli-bot')),
    });
    expect(response.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const storage = await openStorage({ dataPath: data });
    try {
      const rows = await (
        await storage.client.query({
          query: `SELECT TraceId, SpanId FROM ${storage.table('otel_traces')}`,
          format: 'JSONEachRow',
        })
      ).json();
      expect(rows).toEqual([{ TraceId: '5b8efff798038103d269b633813fc60c', SpanId: 'eee19b7ec3c1b174' }]);
    } finally {
      await storage.close();
    }

    const out = join(root, 'triplets.jsonl');
    const exported = run('export', '--format', 'jsonl', '--out', out, '--data', data);
    expect(exported.status).toBe(0);
    const triplets = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(triplets).toHaveLength(1);
    expect(triplets[0]).toMatchObject({
      decision_id: 'd-1',
      service_name: 'cli-bot',
      reward: { value: null, match: 'none' },
    });
  });
});
