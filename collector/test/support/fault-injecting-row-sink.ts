/**
 * A test double of the collector's row sink, kept out of its public API: collector tests use it through
 * test-collector.ts, and the fault suite's collector process (faults/src/fault-injecting-collector-main.ts) imports it
 * from here.
 */
import { InsertRejectedError, type RowBatch, type RowSink } from '@tradetrace/collector';

/** How the wrapped sink misbehaves: `down` fails every call like an unreachable server; `reject` refuses matching batches as poison. */
export type InjectedFault =
  | { kind: 'none' }
  | { kind: 'down' }
  | { kind: 'reject'; when: (batch: RowBatch) => boolean };

export interface FaultInjectingRowSink extends RowSink {
  /** Changes the behaviour from the next call on. */
  inject(fault: InjectedFault): void;
  /** Batches that reached the real sink and were stored. */
  readonly storedBatches: number;
}

/** The database made unreachable in the error's shape the client gives for a refused connection. */
export class InjectedOutageError extends Error {
  readonly code = 'ECONNREFUSED';

  constructor() {
    super('connect ECONNREFUSED (fault injected: storage is down)');
    this.name = 'InjectedOutageError';
  }
}

/** Wraps a real sink for outage and poison tests: the rows that get through are stored for real. */
export function createFaultInjectingRowSink(inner: RowSink): FaultInjectingRowSink {
  let fault: InjectedFault = { kind: 'none' };
  let storedBatches = 0;
  return {
    inject(next) {
      fault = next;
    },
    get storedBatches() {
      return storedBatches;
    },
    async insert(batch) {
      if (fault.kind === 'down') throw new InjectedOutageError();
      if (fault.kind === 'reject' && fault.when(batch))
        throw new InsertRejectedError('fault injected: batch refused as poison');
      await inner.insert(batch);
      storedBatches += 1;
    },
    async ping() {
      return fault.kind === 'down' ? false : inner.ping();
    },
    readHoldsInserts: () => inner.readHoldsInserts(),
  };
}
