import type { Command } from 'commander';
import { z } from 'zod';
import { CliError } from './cli-error.ts';

/** Validates a command's parsed options with zod, naming each bad flag in the error. */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown): z.output<S> {
  const result = schema.safeParse(options);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `--${String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`,
    );
    throw new CliError(`invalid options: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Flags for choosing where data lives; shared by every command that reads or writes ClickHouse. */
export function addStorageFlags(command: Command): Command {
  return command
    .option('--data <dir>', 'folder of the embedded ClickHouse engine', './data')
    .option('--clickhouse-url <url>', 'use a ClickHouse server instead of the embedded engine')
    .option('--clickhouse-user <user>', 'ClickHouse user (server mode)')
    .option('--clickhouse-password <password>', 'ClickHouse password (server mode); prefer CLICKHOUSE_PASSWORD')
    .option('--database <name>', 'database of the tradetrace tables', 'otel');
}

export const StorageFlagsSchema = z.object({
  data: z.string().min(1),
  clickhouseUrl: z.url().optional(),
  clickhouseUser: z.string().optional(),
  clickhousePassword: z.string().optional(),
  database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier'),
});
export type StorageFlags = z.output<typeof StorageFlagsSchema>;

/** Storage options from the shared flags: a server when --clickhouse-url is given, else the embedded folder. */
export function storageOptionsFrom(flags: StorageFlags) {
  return flags.clickhouseUrl
    ? {
        url: flags.clickhouseUrl,
        database: flags.database,
        username: flags.clickhouseUser,
        password: flags.clickhousePassword ?? process.env.CLICKHOUSE_PASSWORD,
      }
    : { dataPath: flags.data, database: flags.database };
}
