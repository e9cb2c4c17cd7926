import { canonicalJson, strategyVersionId } from '@tradetrace/sdk';
import type { Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { AnalyticsError, parseInput } from '../analytics-error.ts';
import { diffConfigs, type ConfigChange } from './config-diff.ts';
import { resolveVersionId } from './version-id-resolution.ts';
import type { ActiveVersion, AuditAction, AuditEntry, StrategyVersionRecord } from './strategy-version-record.ts';

const VERSIONS_TABLE = 'strategy_versions';
const AUDIT_TABLE = 'strategy_version_audit';

const StrategyNameSchema = z.string().trim().min(1, 'must not be empty').max(200);
const JsonObjectSchema = z.record(z.string(), z.json());

export const AddVersionInputSchema = z.object({
  strategyName: StrategyNameSchema,
  /** A JSON object; its canonical form is hashed into the version id. */
  config: JsonObjectSchema,
  parentVersion: z.string().min(1).optional(),
  note: z.string().default(''),
  author: z.string().default(''),
});
export type AddVersionInput = z.input<typeof AddVersionInputSchema>;

export const RegistryActionInputSchema = z.object({
  strategyName: StrategyNameSchema,
  /** Who did it (a user, a service, `auto-rollback`). */
  actor: z.string().min(1, 'say who acts'),
  /** Why; kept in the audit trail. */
  reason: z.string().default(''),
});
export type RegistryActionInput = z.input<typeof RegistryActionInputSchema>;

export interface AddVersionResult {
  record: StrategyVersionRecord;
  /** False when the same config was registered before: versions are immutable, a re-add changes nothing. */
  created: boolean;
}

interface VersionRow {
  strategy_name: string;
  version: string;
  parent_version: string;
  config: string;
  note: string;
  author: string;
  created_at_us: string;
}

interface AuditRow {
  at_us: string;
  strategy_name: string;
  action: string;
  version: string;
  previous_version: string;
  actor: string;
  reason: string;
}

/** ISO 8601 with microseconds, from microseconds since the epoch. */
function isoFromMicros(micros: bigint): string {
  const millis = micros / 1000n;
  const iso = new Date(Number(millis)).toISOString();
  return `${iso.slice(0, -1)}${(micros % 1000n).toString().padStart(3, '0')}Z`;
}

/** `YYYY-MM-DD hh:mm:ss.ffffff`, the literal ClickHouse reads into DateTime64(6) in every input format. */
function clickhouseFromMicros(micros: bigint): string {
  return isoFromMicros(micros).replace('T', ' ').replace('Z', '');
}

function toRecord(row: VersionRow): StrategyVersionRecord {
  const config: unknown = JSON.parse(row.config);
  return {
    strategyName: row.strategy_name,
    version: row.version,
    parentVersion: row.parent_version === '' ? null : row.parent_version,
    config,
    // The id is the hash of the full config: a stored config that hashes otherwise had secrets redacted by the bot.
    configRedacted: strategyVersionId(config) !== row.version,
    note: row.note,
    author: row.author,
    createdAt: isoFromMicros(BigInt(row.created_at_us)),
  };
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    at: isoFromMicros(BigInt(row.at_us)),
    strategyName: row.strategy_name,
    // Only this module writes the table, with AUDIT_ACTIONS values.
    action: row.action as AuditAction,
    version: row.version,
    previousVersion: row.previous_version === '' ? null : row.previous_version,
    actor: row.actor,
    reason: row.reason,
  };
}

async function selectRows<T>(storage: Storage, query: string, params: Record<string, unknown>): Promise<T[]> {
  const result = await storage.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

const VERSION_COLUMNS =
  'strategy_name, version, parent_version, config, note, author, toString(toUnixTimestamp64Micro(created_at)) AS created_at_us';

/** Every version, newest first; one strategy when `strategyName` is given. */
export async function listVersions(storage: Storage, strategyName?: string): Promise<StrategyVersionRecord[]> {
  const rows = await selectRows<VersionRow>(
    storage,
    `SELECT ${VERSION_COLUMNS} FROM ${storage.table(VERSIONS_TABLE)} FINAL
WHERE {name:String} = '' OR strategy_name = {name:String}
ORDER BY strategy_name, created_at DESC, version`,
    { name: strategyName ?? '' },
  );
  return rows.map(toRecord);
}

/**
 * A registered version by id or unique id prefix (ids only seen in spans count when resolving, like git); an
 * ambiguous or unknown id, or one no config was registered for, is TT_ANALYTICS_VERSION_NOT_FOUND.
 */
export async function showVersion(
  storage: Storage,
  strategyName: string,
  versionOrPrefix: string,
): Promise<StrategyVersionRecord> {
  const { version, registered } = await resolveVersionId(storage, strategyName, versionOrPrefix);
  const record = registered ? await findVersion(storage, strategyName, version) : undefined;
  if (record === undefined) {
    throw new AnalyticsError(
      'TT_ANALYTICS_VERSION_NOT_FOUND',
      `strategy "${strategyName}" version "${version}" is in the bots' spans but not registered: its config is unknown (a bot with the SDK registers the versions it runs; else \`tradetrace versions add\`)`,
    );
  }
  return record;
}

/** The audit trail of a strategy, oldest first. */
export async function readAuditTrail(storage: Storage, strategyName: string): Promise<AuditEntry[]> {
  const rows = await selectRows<AuditRow>(
    storage,
    `SELECT toString(toUnixTimestamp64Micro(at)) AS at_us, strategy_name, action, version, previous_version, actor, reason
FROM ${storage.table(AUDIT_TABLE)} WHERE strategy_name = {name:String} ORDER BY at`,
    { name: strategyName },
  );
  return rows.map(toEntry);
}

/**
 * Replays the audit trail: activate and promote push a version, rollback pops back to the one before. The stack's
 * top is the active version; the entry below it is where a rollback goes.
 */
function activationStack(trail: readonly AuditEntry[]): AuditEntry[] {
  const stack: AuditEntry[] = [];
  for (const entry of trail) {
    if (entry.action === 'activate' || entry.action === 'promote') stack.push(entry);
    else if (entry.action === 'rollback') {
      stack.pop();
      // The rollback entry itself is what made the restored version active.
      if (stack.length > 0) stack[stack.length - 1] = entry;
    }
  }
  return stack;
}

/** The active version of a strategy with its config, or null before any activation. */
export async function getActiveVersion(storage: Storage, strategyName: string): Promise<ActiveVersion | null> {
  const top = activationStack(await readAuditTrail(storage, strategyName)).at(-1);
  if (!top) return null;
  const record = await showVersion(storage, strategyName, top.version);
  return { strategyName, version: record.version, config: record.config, activatedBy: top };
}

/** Appends an audit entry at a time strictly after the strategy's last entry, so the trail has one order. */
async function appendAudit(storage: Storage, entry: Omit<AuditEntry, 'at'>): Promise<AuditEntry> {
  const [last] = await selectRows<{ last_us: string }>(
    storage,
    `SELECT toString(toUnixTimestamp64Micro(max(at))) AS last_us FROM ${storage.table(AUDIT_TABLE)} WHERE strategy_name = {name:String}`,
    { name: entry.strategyName },
  );
  const now = BigInt(Date.now()) * 1000n;
  const previous = last ? BigInt(last.last_us) : 0n;
  const at = now > previous ? now : previous + 1n;
  await storage.client.insert({
    table: storage.table(AUDIT_TABLE),
    format: 'JSONEachRow',
    values: [
      {
        at: clickhouseFromMicros(at),
        strategy_name: entry.strategyName,
        action: entry.action,
        version: entry.version,
        previous_version: entry.previousVersion ?? '',
        actor: entry.actor,
        reason: entry.reason,
      },
    ],
  });
  return { ...entry, at: isoFromMicros(at) };
}

/** What `storeVersion` writes: a version row and its `add` audit entry. */
export interface NewVersion {
  strategyName: string;
  version: string;
  config: Record<string, unknown>;
  parentVersion?: string;
  note: string;
  author: string;
}

/** Writes a version the registry does not hold yet and its `add` audit entry; the callers check it is new. */
export async function storeVersion(storage: Storage, input: NewVersion): Promise<StrategyVersionRecord> {
  const createdAt = BigInt(Date.now()) * 1000n;
  await storage.client.insert({
    table: storage.table(VERSIONS_TABLE),
    format: 'JSONEachRow',
    values: [
      {
        strategy_name: input.strategyName,
        version: input.version,
        parent_version: input.parentVersion ?? '',
        config: canonicalJson(input.config),
        note: input.note,
        author: input.author,
        created_at: clickhouseFromMicros(createdAt),
      },
    ],
  });
  await appendAudit(storage, {
    strategyName: input.strategyName,
    action: 'add',
    version: input.version,
    previousVersion: null,
    actor: input.author || 'unknown',
    reason: input.note,
  });
  return showVersion(storage, input.strategyName, input.version);
}

/** The registered record of exactly this id, or undefined. */
export async function findVersion(
  storage: Storage,
  strategyName: string,
  version: string,
): Promise<StrategyVersionRecord | undefined> {
  const [row] = await selectRows<VersionRow>(
    storage,
    `SELECT ${VERSION_COLUMNS} FROM ${storage.table(VERSIONS_TABLE)} FINAL
WHERE strategy_name = {name:String} AND version = {version:String}`,
    { name: strategyName, version },
  );
  return row === undefined ? undefined : toRecord(row);
}

/**
 * Registers a config. The id is its content hash, so the same config is the same version: a re-add returns the
 * stored record unchanged (`created: false`) and no row is ever updated.
 */
export async function addVersion(storage: Storage, input: AddVersionInput): Promise<AddVersionResult> {
  const parsed = parseInput(AddVersionInputSchema, input, 'strategy version');
  const version = strategyVersionId(parsed.config);
  const existing = await findVersion(storage, parsed.strategyName, version);
  if (existing !== undefined) return { record: existing, created: false };
  const parent =
    parsed.parentVersion === undefined
      ? undefined
      : (await showVersion(storage, parsed.strategyName, parsed.parentVersion)).version;
  const record = await storeVersion(storage, {
    strategyName: parsed.strategyName,
    version,
    config: parsed.config,
    parentVersion: parent,
    note: parsed.note,
    author: parsed.author,
  });
  return { record, created: true };
}

/** Records `action` making `version` active. Activating the active version again changes nothing and returns null. */
export async function recordActivation(
  storage: Storage,
  input: RegistryActionInput & { version: string },
  action: 'activate' | 'promote',
): Promise<AuditEntry | null> {
  const parsed = parseInput(RegistryActionInputSchema, input, `${action} request`);
  const record = await showVersion(storage, parsed.strategyName, input.version);
  const active = await getActiveVersion(storage, parsed.strategyName);
  if (active?.version === record.version) return null;
  return appendAudit(storage, {
    strategyName: parsed.strategyName,
    action,
    version: record.version,
    previousVersion: active?.version ?? null,
    actor: parsed.actor,
    reason: parsed.reason,
  });
}

/** Makes a version active (no evidence asked; `promoteVersion` asks for it). */
export function activateVersion(
  storage: Storage,
  input: RegistryActionInput & { version: string },
): Promise<AuditEntry | null> {
  return recordActivation(storage, input, 'activate');
}

/** Re-activates the previously active version, recorded as a rollback (who, why, from which version). */
export async function rollbackVersion(storage: Storage, input: RegistryActionInput): Promise<AuditEntry> {
  const parsed = parseInput(RegistryActionInputSchema, input, 'rollback request');
  const stack = activationStack(await readAuditTrail(storage, parsed.strategyName));
  const current = stack.at(-1);
  const target = stack.at(-2);
  if (!current || !target) {
    throw new AnalyticsError(
      'TT_ANALYTICS_NOTHING_TO_ROLL_BACK',
      `strategy "${parsed.strategyName}" has no earlier active version to roll back to; activate one with \`tradetrace versions activate\``,
    );
  }
  return appendAudit(storage, {
    strategyName: parsed.strategyName,
    action: 'rollback',
    version: target.version,
    previousVersion: current.version,
    actor: parsed.actor,
    reason: parsed.reason,
  });
}

/** Field-by-field config changes from version `from` to version `to`. */
export async function diffVersions(
  storage: Storage,
  strategyName: string,
  from: string,
  to: string,
): Promise<ConfigChange[]> {
  const [a, b] = await Promise.all([showVersion(storage, strategyName, from), showVersion(storage, strategyName, to)]);
  return diffConfigs(a.config, b.config);
}
