import type { ClickHouseSettings } from '@clickhouse/client';
import type { ChdbConnection } from 'chdb/connection';

/** The connection contract the client drives (ping, query, insert, command, exec, close). */
export type EngineConnection = Pick<ChdbConnection, 'ping' | 'query' | 'insert' | 'command' | 'exec' | 'close'>;

/**
 * The embedded engine's connection with each statement's settings kept to that statement. chDB applies a call's
 * `clickhouse_settings` as `SET` statements of its session, which outlive the call: an export's join and block
 * settings went on to shape every later insert and query of a long-running collector. After each call the settings
 * it brought go back to their defaults, except the session's own: every call sends those again, so resetting them
 * would only add a statement to each call.
 */
export function withStatementScopedSettings(
  connection: ChdbConnection,
  sessionSettings: ClickHouseSettings,
): EngineConnection {
  const reset = async (settings: object | undefined) => {
    const names = Object.keys(settings ?? {}).filter((name) => !(name in sessionSettings));
    if (names.length > 0)
      await connection.command({ query: `SET ${names.map((name) => `${name} = DEFAULT`).join(', ')}` });
  };
  const scoped =
    <Params extends { clickhouse_settings?: object }, Result>(run: (params: Params) => Promise<Result>) =>
    async (params: Params): Promise<Result> => {
      let result: Result;
      try {
        result = await run(params);
      } catch (error) {
        // The statement's own error is the one to report.
        await reset(params.clickhouse_settings).catch(() => undefined);
        throw error;
      }
      await reset(params.clickhouse_settings);
      return result;
    };
  return {
    ping: (params) => connection.ping(params),
    query: scoped(connection.query.bind(connection)),
    insert: scoped(connection.insert.bind(connection)),
    command: scoped(connection.command.bind(connection)),
    exec: scoped(connection.exec.bind(connection)),
    close: () => connection.close(),
  };
}
