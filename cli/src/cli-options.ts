import type { Command } from 'commander';
import { z } from 'zod';
import { CliError } from './cli-error.ts';
import { openStoreAccess } from './store-access/open-store-access.ts';
import type { StoreAccess } from './store-access/store-access.ts';
import { describeIssues, flagOf } from './zod-issues.ts';

/** Validates a command's parsed options with zod, naming each bad flag in the error. */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown): z.output<S> {
  const result = schema.safeParse(options);
  if (!result.success) {
    throw new CliError(`invalid options: ${describeIssues(result.error, (path) => flagOf(path[0]))}`);
  }
  return result.data;
}

/** Flags naming the store itself: an embedded folder or a ClickHouse server (the collector takes only these). */
export function addStoreFlags(command: Command): Command {
  return command
    .option(
      '--data <dir>',
      'folder of the embedded ClickHouse engine (while a collector runs on it, that collector serves the commands)',
      './data',
    )
    .option('--clickhouse-url <url>', 'use a ClickHouse server instead of the embedded engine')
    .option('--clickhouse-user <user>', 'ClickHouse user (server mode)')
    .option('--clickhouse-password <password>', 'ClickHouse password (server mode); prefer CLICKHOUSE_PASSWORD')
    .option('--database <name>', 'database of the tradetrace tables', 'otel');
}

/** Flags for choosing where data lives, a collector that serves it included; shared by every command that reads or writes it. */
export function addStorageFlags(command: Command): Command {
  return addStoreFlags(command)
    .option('--endpoint <url>', 'a running collector elsewhere, e.g. http://host:4318 (its query and admin API)')
    .option(
      '--token <token>',
      'token for --endpoint: read:, or admin: for registry changes (default: TRADETRACE_TOKEN)',
    );
}

export const StorageFlagsSchema = z.object({
  data: z.string().min(1),
  endpoint: z.url({ error: 'must be the collector URL, e.g. http://127.0.0.1:4318' }).optional(),
  token: z.string().min(1).optional(),
  clickhouseUrl: z.url().optional(),
  clickhouseUser: z.string().optional(),
  clickhousePassword: z.string().optional(),
  database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier'),
});
export type StorageFlags = z.output<typeof StorageFlagsSchema>;

/** Runs `work` on the store the flags name (see store-access/open-store-access.ts), closing it afterwards. */
export async function withStoreAccess<T>(flags: StorageFlags, work: (access: StoreAccess) => Promise<T>): Promise<T> {
  const access = await openStoreAccess(flags);
  try {
    return await work(access);
  } finally {
    await access.close();
  }
}
