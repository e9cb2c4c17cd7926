import { setTimeout as sleep } from 'node:timers/promises';
import { strategyVersionId } from '@tradetrace/sdk';
import type { Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { AnalyticsError, parseInput } from '../analytics-error.ts';
import { findVersion, storeVersion } from './strategy-registry.ts';

/** The span the SDK emits for every version a bot runs (`STRATEGY_VERSION_SPAN_NAME` in the SDK). */
const REGISTRATION_SPAN = 'tradetrace.strategy.version';

/**
 * `POST /v1/strategies/{name}/versions/{version}/registration`, what the SDK sends until it is told "registered": the
 * collector registers the version from the registration span it stored.
 */
export const SelfRegistrationRequestSchema = z.object({
  strategyName: z.string().trim().min(1, 'must not be empty').max(200),
  version: z.string().regex(/^[0-9a-f]{12}$/, 'must be a version id: 12 hex digits'),
  /** Wait up to this long for the registration span to be stored (it may still be on its way to the table). */
  waitSeconds: z.coerce.number().min(0).max(10).default(0),
  /** A bound token's identity: only registration spans this service or bot sent count. */
  sender: z.object({ kind: z.enum(['service', 'bot']), value: z.string().min(1) }).optional(),
});
export type SelfRegistrationRequest = z.input<typeof SelfRegistrationRequestSchema>;

export interface SelfRegistrationResult {
  /** False while the registration span is not stored yet: the SDK sends it again and asks later. */
  registered: boolean;
  /** True when this request wrote the registry row. */
  created: boolean;
}

interface RegistrationSpan {
  config: string;
  redacted: string;
  service: string;
  bot: string;
}

async function findRegistrationSpan(
  storage: Storage,
  request: z.output<typeof SelfRegistrationRequestSchema>,
): Promise<RegistrationSpan | undefined> {
  // The SDK puts the bot's id on its resource; the collector refused any request naming another bot than its token's.
  const result = await storage.client.query({
    query: `SELECT SpanAttributes['trading.strategy.config'] AS config,
  SpanAttributes['trading.strategy.config_redacted'] AS redacted, ServiceName AS service,
  ResourceAttributes['trading.bot.id'] AS bot
FROM ${storage.table('otel_traces')}
WHERE SpanName = {span:String} AND SpanAttributes['trading.strategy.name'] = {name:String}
  AND SpanAttributes['trading.strategy.version'] = {version:String}
  AND ({kind:String} = '' OR ({kind:String} = 'bot' AND bot = {sender:String})
    OR ({kind:String} = 'service' AND service = {sender:String}))
ORDER BY Timestamp LIMIT 1`,
    query_params: {
      span: REGISTRATION_SPAN,
      name: request.strategyName,
      version: request.version,
      kind: request.sender?.kind ?? '',
      sender: request.sender?.value ?? '',
    },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<RegistrationSpan>();
  return row;
}

/** The config a registration span carries; a config sent whole must hash to the version id the bot gave. */
function registeredConfig(span: RegistrationSpan, strategyName: string, version: string): Record<string, unknown> {
  const what = `the registration of "${strategyName}" version ${version}`;
  let config: unknown;
  try {
    config = JSON.parse(span.config);
  } catch (error) {
    throw new AnalyticsError('TT_ANALYTICS_BAD_INPUT', `${what} carries no JSON config: ${(error as Error).message}`);
  }
  const parsed = parseInput(z.record(z.string(), z.json()), config, `${what}: config`);
  if (span.redacted !== 'true' && strategyVersionId(parsed) !== version)
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_INPUT',
      `${what} carries a config whose hash is ${strategyVersionId(parsed)}, not the version id, and it is not marked redacted`,
    );
  return parsed;
}

/** One registration at a time per store, so two requests for one version write one row and one audit entry. */
const inFlight = new WeakMap<Storage, Promise<unknown>>();

function serialized<T>(storage: Storage, step: () => Promise<T>): Promise<T> {
  const previous = inFlight.get(storage) ?? Promise.resolve();
  const next = previous.then(step, step);
  inFlight.set(
    storage,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * Registers a version a bot runs from the registration span the SDK sent (its canonical config, secrets redacted
 * by the bot), idempotently: a registered version is answered `registered` and nothing is written again. The
 * version id stays the one the bot computed over its full config.
 */
export async function registerVersionFromSpans(
  storage: Storage,
  request: SelfRegistrationRequest,
): Promise<SelfRegistrationResult> {
  const parsed = parseInput(SelfRegistrationRequestSchema, request, 'version registration');
  const deadline = Date.now() + parsed.waitSeconds * 1000;
  let span = await findRegistrationSpan(storage, parsed);
  while (span === undefined && Date.now() < deadline) {
    if ((await findVersion(storage, parsed.strategyName, parsed.version)) !== undefined)
      return { registered: true, created: false };
    await sleep(Math.min(200, Math.max(0, deadline - Date.now())));
    span = await findRegistrationSpan(storage, parsed);
  }
  const found = span;
  return serialized(storage, async () => {
    if ((await findVersion(storage, parsed.strategyName, parsed.version)) !== undefined)
      return { registered: true, created: false };
    if (found === undefined) return { registered: false, created: false };
    const redacted = found.redacted === 'true';
    await storeVersion(storage, {
      strategyName: parsed.strategyName,
      version: parsed.version,
      config: registeredConfig(found, parsed.strategyName, parsed.version),
      note: redacted ? 'registered by the bot that runs it; secrets redacted' : 'registered by the bot that runs it',
      author: found.bot === '' ? `service ${found.service}` : `bot ${found.bot}`,
    });
    return { registered: true, created: true };
  });
}
