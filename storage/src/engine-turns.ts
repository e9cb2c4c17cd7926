import type { EngineConnection } from './statement-scoped-settings.ts';

/** What a call to the embedded engine is: ingest's inserts go before reads that wait with them. */
export type EngineCallKind = 'insert' | 'read';

/**
 * The embedded engine's calls, one at a time, in turns. The engine runs one statement at a time anyway, but each call
 * waiting for it natively holds a thread of Node's small I/O pool (four by default): with a long read running and a
 * few calls behind it (an insert, a health sample, a memory sample), the collector's spool writes and fsyncs waited
 * for the read too, and so did every acknowledgement. Waiting here costs no thread. A waiting insert takes the next
 * turn before any waiting read, so inserts run between the statements of a long read (its steps and pages).
 */
export class EngineTurns {
  private busy = false;
  private running: EngineCallKind | undefined;
  private readonly waiting: Record<EngineCallKind, (() => void)[]> = { insert: [], read: [] };

  /** True while a read has the engine: an insert has to wait for it to end. */
  get readRunning(): boolean {
    return this.running === 'read';
  }

  /** Runs `call` once the engine is free and no call of higher priority waits. */
  async run<T>(kind: EngineCallKind, call: () => Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting[kind].push(resolve));
    else this.busy = true;
    this.running = kind;
    try {
      return await call();
    } finally {
      this.running = undefined;
      this.next();
    }
  }

  /** Hands the engine to the first waiting insert, else to the first waiting read; frees it when none waits. */
  private next(): void {
    const handOver = this.waiting.insert.shift() ?? this.waiting.read.shift();
    if (handOver === undefined) this.busy = false;
    else handOver();
  }
}

/**
 * The connection with each call (a statement and the reset of its settings together) run in a turn of `turns`, as a
 * read. The rows an insert or exec sends are read before the turn is taken, as the connection would read them anyway:
 * they may come from the engine itself (Parquet of triplets made here streams the engine's own pages back into it).
 */
export function connectionInTurns(connection: EngineConnection, turns: EngineTurns): EngineConnection {
  const inTurn =
    <Params, Result>(call: (params: Params) => Promise<Result>) =>
    (params: Params): Promise<Result> =>
      turns.run('read', () => call(params));
  const valuesFirst =
    <Params extends { values?: unknown }, Result>(call: (params: Params) => Promise<Result>) =>
    async (params: Params): Promise<Result> => {
      const values = params.values === undefined ? undefined : await wholeBody(params.values);
      return turns.run('read', () => call(values === undefined ? params : { ...params, values }));
    };
  return {
    ping: inTurn(connection.ping.bind(connection)),
    query: inTurn(connection.query.bind(connection)),
    insert: valuesFirst(connection.insert.bind(connection)),
    command: inTurn(connection.command.bind(connection)),
    exec: valuesFirst(connection.exec.bind(connection)),
    close: () => connection.close(),
  };
}

/** A body as one string: a string as it is, a stream's chunks (text or bytes) joined. */
async function wholeBody(values: unknown): Promise<string> {
  if (typeof values === 'string') return values;
  const chunks: Buffer[] = [];
  for await (const chunk of values as AsyncIterable<string | Uint8Array>)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
