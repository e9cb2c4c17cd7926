import { afterAll, describe, expect, it } from 'vitest';
import { launchCollector } from '../src/collector-process.ts';
import { waitForEmptySpool } from '../src/collector-metrics-reader.ts';
import { acknowledgedCount, startExporterClients, type ExporterClientReport } from '../src/exporter-client.ts';
import { faultsPlan } from '../src/faults-size.ts';
import { auditedCounts, recordScenario } from '../src/faults-report.ts';
import { scratchFolder } from '../src/scratch-folder.ts';
import { auditStoredSpans } from '../src/span-audit.ts';

const plan = faultsPlan();
const data = scratchFolder('auth');
afterAll(() => data.remove());

// Each exporter client writes as trading.bot.id = fault-client-<index>.
const OWN_TOKEN = 'faults-token-of-client-3-0123456789';
const OTHER_BOT_TOKEN = 'faults-token-of-client-9-0123456789';
const READ_TOKEN = 'faults-read-token-for-metrics-0123';
const SPANS_PER_CLIENT = 1_024;

/** Who tries to write, with which Authorization header, and what the collector must answer. */
const ATTEMPTS = [
  { client: 0, label: 'no token', headers: {}, status: '401' },
  {
    client: 1,
    label: 'wrong token',
    headers: { authorization: 'Bearer faults-not-a-configured-token-000' },
    status: '401',
  },
  { client: 2, label: "another bot's token", headers: { authorization: `Bearer ${OTHER_BOT_TOKEN}` }, status: '403' },
] as const;

describe('auth', () => {
  it('refuses a request without a token, with a wrong token or with a token bound to another bot, and stores none of it', async () => {
    const started = performance.now();
    const collector = await launchCollector({
      dataPath: data.path,
      env: {
        TRADETRACE_AUTH_TOKENS: `${OWN_TOKEN}@bot:fault-client-3,${OTHER_BOT_TOKEN}@bot:fault-client-9,read:${READ_TOKEN}`,
      },
    });
    const run = (client: number, headers: Record<string, string>) =>
      startExporterClients({
        url: collector.url,
        firstClient: client,
        clients: 1,
        serviceName: 'faults-auth',
        batchSize: 256,
        durationMs: 60_000,
        maxSpans: SPANS_PER_CLIENT,
        headers,
      })
        .finished()
        .then(([report]) => report!);
    const refused: ExporterClientReport[] = [];
    for (const attempt of ATTEMPTS) refused.push(await run(attempt.client, attempt.headers));
    // The control: the bot's own token is accepted, so the refusals above are about the token, not the request.
    const allowed = await run(3, { authorization: `Bearer ${OWN_TOKEN}` });
    const healthWithoutToken = (await fetch(`${collector.url}/healthz`)).status;
    const drained = await waitForEmptySpool(collector.url, 60_000, { authorization: `Bearer ${READ_TOKEN}` });
    const exitCode = await collector.stop();
    const audit = await auditStoredSpans(data.path, [...refused, allowed]);
    recordScenario('auth', {
      ...auditedCounts(plan.size, audit, collector.rss.maxMiB, started),
      statusesByAttempt: Object.fromEntries([
        ...ATTEMPTS.map((a, i) => [a.label, refused[i]!.statuses]),
        ['own token', allowed.statuses],
      ]),
    });

    ATTEMPTS.forEach((attempt, i) => {
      const report = refused[i]!;
      expect(report.statuses, attempt.label).toEqual({ [attempt.status]: report.exports });
      expect(acknowledgedCount(report), attempt.label).toBe(0);
    });
    expect(allowed.statuses).toEqual({ '200': allowed.exports });
    expect(acknowledgedCount(allowed)).toBe(SPANS_PER_CLIENT);
    expect(healthWithoutToken).toBe(200);
    expect(drained).toBe(true);
    expect(exitCode, collector.recentOutput()).toBe(0);
    // Exactly the control's spans are stored: nothing of the refused clients.
    expect(audit.storedRows).toBe(SPANS_PER_CLIENT);
    expect(audit.acknowledgedStoredOnce).toBe(SPANS_PER_CLIENT);
    expect(audit.unacknowledgedStored).toBe(0);
    expect(audit.unknown).toBe(0);
  });
});
