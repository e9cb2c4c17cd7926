import {
  activateVersion,
  addVersion,
  applyAutoRollbackRule,
  collectReportData,
  compareVersions,
  computeVersionStats,
  diffVersions,
  getActiveVersion,
  listUnregisteredVersions,
  listVersions,
  promoteVersion,
  readAuditTrail,
  resolveVersionId,
  rollbackVersion,
  showVersion,
  StatsFilterSchema,
} from '@tradetrace/analytics';
import type { Storage } from '@tradetrace/storage';
import { z } from 'zod';
import { StoreAccessError } from './store-access-error.ts';
import { describeIssues } from '../zod-issues.ts';

/** The data window of stats, compare and report. */
const WindowSchema = StatsFilterSchema.pick({ since: true, until: true, mode: true });
const name = z.string().min(1);
const ActionSchema = z.object({ strategy: name, actor: name, reason: z.string().default('') });

/** The strategy both versions belong to, from the registry, when the caller does not say. */
async function strategyOf(storage: Storage, a: string, b: string): Promise<string> {
  const versions = await listVersions(storage);
  const names = new Set(
    versions.filter((v) => v.version.startsWith(a) || v.version.startsWith(b)).map((v) => v.strategyName),
  );
  if (names.size !== 1)
    throw new StoreAccessError(
      'TT_QUERY_BAD_INPUT',
      `cannot tell which strategy ${a} and ${b} belong to; pass --strategy NAME`,
    );
  return [...names][0]!;
}

/** A version's full id from a prefix, registered or only seen in spans; unknown or ambiguous ones are errors. */
async function fullVersionId(storage: Storage, strategyName: string, version: string): Promise<string> {
  return (await resolveVersionId(storage, strategyName, version)).version;
}

/** One thing a command asks of the store: JSON in, JSON out, so it runs the same here or inside a collector. */
interface StoreOperation<S extends z.ZodType, R> {
  /** `admin` operations change the registry and need an admin credential when served by a collector. */
  role: 'read' | 'admin';
  input: S;
  run(storage: Storage, input: z.output<S>): Promise<R>;
}

const operation = <S extends z.ZodType, R>(op: StoreOperation<S, R>) => op;

/**
 * Every store operation of the CLI's commands. The CLI runs them on storage it opened itself (a stopped folder, a
 * server) or asks the collector that owns the folder to run them (POST /api/v1/ops/NAME), so both give one answer.
 */
export const STORE_OPERATIONS = {
  stats: operation({
    role: 'read',
    input: StatsFilterSchema,
    run: (storage, input) => computeVersionStats(storage, input),
  }),
  compare: operation({
    role: 'read',
    input: z.object({
      a: name,
      b: name,
      strategy: name.optional(),
      minTrades: z.number().int().positive(),
      seed: z.number().int(),
      filter: WindowSchema,
    }),
    async run(storage, input) {
      const strategyName = input.strategy ?? (await strategyOf(storage, input.a, input.b));
      const comparison = await compareVersions(storage, {
        strategyName,
        a: await fullVersionId(storage, strategyName, input.a),
        b: await fullVersionId(storage, strategyName, input.b),
        minTrades: input.minTrades,
        seed: input.seed,
        filter: input.filter,
      });
      return { strategyName, comparison };
    },
  }),
  report: operation({
    role: 'read',
    input: z.object({ filter: WindowSchema, title: name }),
    run: (storage, input) => collectReportData(storage, input.filter, input.title),
  }),
  versionsList: operation({
    role: 'read',
    input: z.object({ strategy: name.optional() }),
    async run(storage, input) {
      const records = await listVersions(storage, input.strategy);
      const active = new Map<string, string | undefined>();
      for (const strategy of new Set(records.map((r) => r.strategyName)))
        active.set(strategy, (await getActiveVersion(storage, strategy))?.version);
      const registered = records.map((r) => ({
        ...r,
        registered: true as const,
        active: active.get(r.strategyName) === r.version,
      }));
      // Versions bots ran that nobody registered are listed too, marked, rather than left out.
      const unregistered = (await listUnregisteredVersions(storage, input.strategy)).map((v) => ({
        ...v,
        registered: false as const,
        active: active.get(v.strategyName) === v.version,
      }));
      return [...registered, ...unregistered];
    },
  }),
  versionsShow: operation({
    role: 'read',
    input: z.object({ strategy: name, version: name }),
    async run(storage, input) {
      const { version, registered } = await resolveVersionId(storage, input.strategy, input.version);
      const trail = (await readAuditTrail(storage, input.strategy)).filter(
        (e) => e.version === version || e.previousVersion === version,
      );
      const active = (await getActiveVersion(storage, input.strategy))?.version === version;
      if (registered)
        return { ...(await showVersion(storage, input.strategy, version)), registered, active, audit: trail };
      // Seen in spans only: what the decisions say, and no config.
      const [seen] = (await listUnregisteredVersions(storage, input.strategy)).filter((v) => v.version === version);
      return { ...seen, strategyName: input.strategy, version, registered, config: null, active, audit: trail };
    },
  }),
  versionsDiff: operation({
    role: 'read',
    input: z.object({ strategy: name, from: name, to: name }),
    run: (storage, input) => diffVersions(storage, input.strategy, input.from, input.to),
  }),
  versionsAdd: operation({
    role: 'admin',
    input: z.object({
      strategy: name,
      config: z.record(z.string(), z.json()),
      parent: name.optional(),
      note: z.string(),
      author: z.string(),
    }),
    run: (storage, input) =>
      addVersion(storage, {
        strategyName: input.strategy,
        config: input.config,
        parentVersion: input.parent,
        note: input.note,
        author: input.author,
      }),
  }),
  versionsActivate: operation({
    role: 'admin',
    input: ActionSchema.extend({ version: name }),
    run: (storage, input) =>
      activateVersion(storage, {
        strategyName: input.strategy,
        version: input.version,
        actor: input.actor,
        reason: input.reason,
      }),
  }),
  versionsPromote: operation({
    role: 'admin',
    input: ActionSchema.extend({ version: name, force: z.boolean(), minTrades: z.number().int().positive() }),
    run: (storage, input) =>
      promoteVersion(storage, {
        strategyName: input.strategy,
        version: input.version,
        actor: input.actor,
        reason: input.reason,
        force: input.force,
        comparison: { minTrades: input.minTrades },
      }),
  }),
  versionsRollback: operation({
    role: 'admin',
    input: ActionSchema,
    run: (storage, input) =>
      rollbackVersion(storage, { strategyName: input.strategy, actor: input.actor, reason: input.reason }),
  }),
  versionsAutoRollback: operation({
    role: 'admin',
    input: z.object({
      strategy: name,
      floor: z.number(),
      window: z.number().int().min(5),
      confidence: z.number().gt(0.5).lt(1),
    }),
    run: (storage, input) =>
      applyAutoRollbackRule(storage, {
        enabled: true,
        strategyName: input.strategy,
        floorSharpe: input.floor,
        window: input.window,
        confidence: input.confidence,
      }),
  }),
};

export type StoreOperations = typeof STORE_OPERATIONS;
export type StoreOperationName = keyof StoreOperations;
export type StoreOperationInput<N extends StoreOperationName> = z.input<StoreOperations[N]['input']>;
export type StoreOperationResult<N extends StoreOperationName> = Awaited<ReturnType<StoreOperations[N]['run']>>;

/** Validates `input` and runs operation `name` on `storage`; the result is what JSON carries (same on both paths). */
export async function runStoreOperation<N extends StoreOperationName>(
  storage: Storage,
  name: N,
  input: unknown,
): Promise<StoreOperationResult<N>> {
  const op = STORE_OPERATIONS[name] as unknown as StoreOperation<z.ZodType, StoreOperationResult<N>>;
  const parsed = op.input.safeParse(input);
  if (!parsed.success)
    throw new StoreAccessError('TT_QUERY_BAD_INPUT', `invalid ${name} request: ${describeIssues(parsed.error)}`);
  return JSON.parse(JSON.stringify(await op.run(storage, parsed.data))) as StoreOperationResult<N>;
}
