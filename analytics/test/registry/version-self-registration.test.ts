import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, strategyVersionId } from '@tradetrace/sdk';
import { insertSpanRows, openStorage, runMigrations, type Storage } from '@tradetrace/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listVersions, readAuditTrail, showVersion } from '../../src/registry/strategy-registry.ts';
import { listUnregisteredVersions } from '../../src/registry/unregistered-versions.ts';
import { resolveVersionId } from '../../src/registry/version-id-resolution.ts';
import { registerVersionFromSpans } from '../../src/registry/version-self-registration.ts';
import { registrationSpanRow, tradeRows } from '../support/trading-span-rows.ts';

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tt-self-registration-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

const FULL = { rsiBuy: 25, rsiSell: 70, apiKey: 'sk-live-0123456789abcdef' };
const REDACTED = { ...FULL, apiKey: '[REDACTED:secret]' };
const VERSION = strategyVersionId(FULL);

describe('registerVersionFromSpans', () => {
  it('answers "not registered" while no registration span is stored', async () => {
    expect(await registerVersionFromSpans(storage, { strategyName: 'momentum', version: VERSION })).toEqual({
      registered: false,
      created: false,
    });
  });

  it("registers the bot's id with the redacted config, marked redacted, once for concurrent and repeated requests", async () => {
    const span = { strategy: 'momentum', version: VERSION, config: canonicalJson(REDACTED), redacted: true };
    await insertSpanRows(storage, [registrationSpanRow({ ...span, botId: 'bot-a' }, Date.now())]);
    // A token bound to another bot finds no registration span of its own.
    expect(
      await registerVersionFromSpans(storage, {
        strategyName: 'momentum',
        version: VERSION,
        sender: { kind: 'bot', value: 'bot-b' },
      }),
    ).toEqual({ registered: false, created: false });
    const answers = await Promise.all(
      [0, 1, 2].map(() =>
        registerVersionFromSpans(storage, {
          strategyName: 'momentum',
          version: VERSION,
          sender: { kind: 'bot', value: 'bot-a' },
        }),
      ),
    );
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    expect(answers.every((a) => a.registered)).toBe(true);
    const record = await showVersion(storage, 'momentum', VERSION.slice(0, 5));
    expect(record).toMatchObject({ version: VERSION, config: REDACTED, configRedacted: true, author: 'bot bot-a' });
    expect(await listVersions(storage, 'momentum')).toHaveLength(1);
    expect((await readAuditTrail(storage, 'momentum')).map((e) => e.action)).toEqual(['add']);
  });

  it('refuses a config sent whole that does not hash to the version id', async () => {
    const span = { strategy: 'forged', version: VERSION, config: canonicalJson({ rsiBuy: 1 }), redacted: false };
    await insertSpanRows(storage, [registrationSpanRow({ ...span, botId: 'bot-a' }, Date.now())]);
    await expect(registerVersionFromSpans(storage, { strategyName: 'forged', version: VERSION })).rejects.toThrow(
      /not the version id/,
    );
  });
});

describe('resolveVersionId', () => {
  it('resolves a prefix of a version only seen in spans, and names both kinds when ambiguous', async () => {
    const seen = 'abc123def456';
    const trade = {
      strategy: 'momentum',
      version: seen,
      mode: 'paper' as const,
      decisionId: 'd-seen',
      atMs: Date.now(),
      realizedReturn: 0.01,
      realizedPnl: 1,
    };
    const rows = tradeRows(trade);
    await insertSpanRows(storage, [
      ...rows,
      ...tradeRows({ ...trade, version: 'abc999999999', decisionId: 'd-other' }),
    ]);
    expect(await resolveVersionId(storage, 'momentum', 'abc12')).toEqual({ version: seen, registered: false });
    // Seen in spans, never registered: listed as such.
    expect((await listUnregisteredVersions(storage, 'momentum')).map((v) => v.version).sort()).toEqual([
      seen,
      'abc999999999',
    ]);
    await expect(showVersion(storage, 'momentum', 'abc12')).rejects.toThrow(/in the bots' spans but not registered/);
    await expect(resolveVersionId(storage, 'momentum', 'abc')).rejects.toThrow(
      /several versions.*abc123def456 \(not registered\), abc999999999/,
    );
    await expect(resolveVersionId(storage, 'momentum', 'ffff')).rejects.toThrow(
      /no such version; known: .*abc123def456/,
    );
  });
});
