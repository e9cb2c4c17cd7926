import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';
import { readFlagJson } from '../flag-files.ts';
import { addStorageFlags, parseOptions, StorageFlagsSchema, withStoreAccess } from '../cli-options.ts';
import { formatTable } from './stats-command.ts';
import { canonicalConfig, loadStrategyDefinition } from './strategy-module.ts';

const defaultActor = () => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
};

const StrategyFlagSchema = StorageFlagsSchema.extend({ strategy: z.string().min(1, 'name the strategy') });
const ActionFlagsSchema = StrategyFlagSchema.extend({ actor: z.string().min(1), reason: z.string().default('') });

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

const strategyOption = (command: Command, required = true) =>
  addStorageFlags(
    required
      ? command.requiredOption('--strategy <name>', 'strategy name')
      : command.option('--strategy <name>', 'strategy name'),
  );

const actionOptions = (command: Command) =>
  strategyOption(command)
    .option('--actor <name>', 'who does it (audit trail)', defaultActor())
    .option('--reason <text>', 'why (audit trail)', '');

/** `versions`: one function per subcommand, each declaring its flags and running its store operation. */
export function registerVersionsCommand(program: Command): void {
  const versions = program
    .command('versions')
    .description('strategy version registry: immutable configs, activation, promotion, rollback');
  registerList(versions);
  registerShow(versions);
  registerAdd(versions);
  registerActivate(versions);
  registerPromote(versions);
  registerRollback(versions);
  registerDiff(versions);
  registerAutoRollback(versions);
}

function registerList(versions: Command): void {
  strategyOption(
    versions
      .command('list')
      .description('versions, newest first, with the active one marked')
      .option('--json', 'print JSON'),
    false,
  ).action(async (raw: unknown) => {
    const flags = parseOptions(
      StorageFlagsSchema.extend({ strategy: z.string().min(1).optional(), json: z.boolean().default(false) }),
      raw,
    );
    await withStoreAccess(flags, async (access) => {
      const rows = await access.run('versionsList', { strategy: flags.strategy });
      if (flags.json) return print(rows);
      process.stdout.write(
        formatTable(
          ['strategy', 'version', 'active', 'config', 'parent', 'created', 'author', 'note'],
          rows.map((r) =>
            r.registered
              ? [
                  r.strategyName,
                  r.version,
                  r.active ? '*' : '',
                  // The id is the hash of the full config; a redacted one was stored without its secrets.
                  r.configRedacted ? 'redacted' : 'full',
                  r.parentVersion ?? '',
                  r.createdAt,
                  r.author,
                  r.note,
                ]
              : [
                  r.strategyName,
                  r.version,
                  r.active ? '*' : '',
                  'unknown',
                  '',
                  r.firstSeen,
                  '',
                  `not registered: ${r.decisions} decisions in spans (its bot never registered it; \`versions add\`)`,
                ],
          ),
        ),
      );
    });
  });
}

function registerShow(versions: Command): void {
  strategyOption(
    versions
      .command('show')
      .description('one version: config and audit trail')
      .argument('<version>', 'version id or unique prefix'),
  ).action(async (version: string, raw: unknown) => {
    const flags = parseOptions(StrategyFlagSchema, raw);
    await withStoreAccess(flags, async (access) => {
      print(await access.run('versionsShow', { strategy: flags.strategy, version }));
    });
  });
}

function registerAdd(versions: Command): void {
  strategyOption(
    versions
      .command('add')
      .description('register a config no bot has run yet (JSON file); its content hash is the version id')
      .requiredOption('--config <file>', 'JSON file with the config')
      .option('--module <file>', "the strategy's module: its schema fills in defaults as the bot does")
      .option(
        '--export <name>',
        'the export of --module holding defineStrategy(...) or a bot with .strategy',
        'default',
      )
      .option('--parent <version>', 'the version it derives from')
      .option('--note <text>', 'what changed and why', '')
      .option('--author <name>', 'who wrote it', defaultActor()),
  ).action(async (raw: unknown) => {
    const flags = parseOptions(
      StrategyFlagSchema.extend({
        config: z.string().min(1),
        module: z.string().min(1).optional(),
        export: z.string().min(1),
        parent: z.string().min(1).optional(),
        note: z.string(),
        author: z.string(),
      }),
      raw,
    );
    const written = await readFlagJson(flags.config, '--config');
    const config =
      flags.module === undefined
        ? written
        : canonicalConfig(await loadStrategyDefinition(flags.module, flags.export), flags.strategy, written);
    await withStoreAccess(flags, async (access) => {
      const { record, created } = await access.run('versionsAdd', {
        strategy: flags.strategy,
        config: config as Record<string, never>,
        parent: flags.parent,
        note: flags.note,
        author: flags.author,
      });
      process.stderr.write(
        created
          ? `added ${flags.strategy}@${record.version}\n`
          : `${flags.strategy}@${record.version} exists already (same config); nothing changed\n`,
      );
      if (created && flags.module === undefined)
        process.stderr.write(
          "note: the id is the hash of the JSON as written; a bot hashes its config after the strategy's schema fills in defaults, so if the file leaves out defaulted fields the bot's id differs (pass --module FILE --export NAME to apply the schema)\n",
        );
      process.stdout.write(`${record.version}\n`);
    });
  });
}

function registerActivate(versions: Command): void {
  actionOptions(
    versions
      .command('activate')
      .description('make a version active (bots pick it up without a restart)')
      .argument('<version>', 'version id or prefix'),
  ).action(async (version: string, raw: unknown) => {
    const flags = parseOptions(ActionFlagsSchema, raw);
    await withStoreAccess(flags, async (access) => {
      const entry = await access.run('versionsActivate', {
        strategy: flags.strategy,
        version,
        actor: flags.actor,
        reason: flags.reason,
      });
      process.stdout.write(
        entry
          ? `activated ${flags.strategy}@${entry.version} (was ${entry.previousVersion ?? 'none'})\n`
          : `${flags.strategy}@${version} is already active\n`,
      );
    });
  });
}

function registerPromote(versions: Command): void {
  actionOptions(
    versions
      .command('promote')
      .description(
        'activate a version only if the comparison with the active one says "promote B" (no active version: --force)',
      )
      .argument('<version>', 'version id or prefix')
      .option('--force', 'promote without evidence; needs --reason, recorded in the audit trail with the verdict')
      .option('--min-trades <n>', 'closed trades each side needs before a verdict', '30'),
  ).action(async (version: string, raw: unknown) => {
    const flags = parseOptions(
      ActionFlagsSchema.extend({ force: z.boolean().default(false), minTrades: z.coerce.number().int().positive() }),
      raw,
    );
    await withStoreAccess(flags, async (access) => {
      const { entry, comparison } = await access.run('versionsPromote', {
        strategy: flags.strategy,
        version,
        actor: flags.actor,
        reason: flags.reason,
        force: flags.force,
        minTrades: flags.minTrades,
      });
      if (comparison) for (const reason of comparison.reasons) process.stderr.write(`  - ${reason}\n`);
      process.stdout.write(
        entry
          ? `promoted ${flags.strategy}@${entry.version} (was ${entry.previousVersion ?? 'none'})\n`
          : `${flags.strategy}@${version} is already active\n`,
      );
    });
  });
}

function registerRollback(versions: Command): void {
  actionOptions(versions.command('rollback').description('re-activate the previously active version')).action(
    async (raw: unknown) => {
      const flags = parseOptions(ActionFlagsSchema, raw);
      await withStoreAccess(flags, async (access) => {
        const entry = await access.run('versionsRollback', {
          strategy: flags.strategy,
          actor: flags.actor,
          reason: flags.reason,
        });
        process.stdout.write(`rolled back ${flags.strategy} from ${entry.previousVersion} to ${entry.version}\n`);
      });
    },
  );
}

function registerDiff(versions: Command): void {
  strategyOption(
    versions
      .command('diff')
      .description('field-by-field config change')
      .argument('<from>', 'version id or prefix')
      .argument('<to>', 'version id or prefix')
      .option('--json', 'print JSON'),
  ).action(async (from: string, to: string, raw: unknown) => {
    const flags = parseOptions(StrategyFlagSchema.extend({ json: z.boolean().default(false) }), raw);
    await withStoreAccess(flags, async (access) => {
      const changes = await access.run('versionsDiff', { strategy: flags.strategy, from, to });
      if (flags.json) return print(changes);
      if (changes.length === 0) process.stdout.write('no differences\n');
      for (const c of changes) {
        const line =
          c.kind === 'added'
            ? `+ ${c.path}: ${JSON.stringify(c.to)}`
            : c.kind === 'removed'
              ? `- ${c.path}: ${JSON.stringify(c.from)}`
              : `~ ${c.path}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`;
        process.stdout.write(`${line}\n`);
      }
    });
  });
}

function registerAutoRollback(versions: Command): void {
  addStorageFlags(
    versions
      .command('auto-rollback')
      .description(
        'apply the automatic rollback rule once: roll back when the active version is below the floor with enough evidence',
      )
      .requiredOption('--strategy <name>', 'strategy name')
      .option('--floor <sharpe>', 'per-trade Sharpe the active version must stay above', '0')
      .option('--window <trades>', "the active version's last N trades since activation", '50')
      .option('--confidence <p>', 'probability that the Sharpe is below the floor before acting', '0.95'),
  ).action(async (raw: unknown) => {
    const flags = parseOptions(
      StrategyFlagSchema.extend({
        floor: z.coerce.number(),
        window: z.coerce.number().int().min(5),
        confidence: z.coerce.number().gt(0.5).lt(1),
      }),
      raw,
    );
    await withStoreAccess(flags, async (access) => {
      const decision = await access.run('versionsAutoRollback', {
        strategy: flags.strategy,
        floor: flags.floor,
        window: flags.window,
        confidence: flags.confidence,
      });
      process.stdout.write(`${decision.rolledBack ? 'rolled back' : 'no rollback'}: ${decision.reason}\n`);
    });
  });
}
