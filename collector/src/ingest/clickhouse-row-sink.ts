import { insertLogRowBinary, insertSpanRowBinary, isRowContentError, type Storage } from '@tradetrace/storage';
import { InsertRejectedError, type RowSink } from './row-sink.ts';

/**
 * The real sink: inserts into the storage's tables with the batch's deduplication token. A refusal for the rows'
 * content (by its ClickHouse code, on a server and the embedded engine alike: `isRowContentError`) becomes an
 * InsertRejectedError, which sends the batch to the dead letters; anything else is retried.
 */
export function createClickHouseRowSink(storage: Storage): RowSink {
  return {
    async insert(batch) {
      try {
        const insert = batch.signal === 'traces' ? insertSpanRowBinary : insertLogRowBinary;
        await insert(storage, batch.rowBinary, { deduplicationToken: batch.deduplicationToken });
      } catch (error) {
        if (isRowContentError(error))
          throw new InsertRejectedError(`ClickHouse refused the rows: ${(error as Error).message}`, { cause: error });
        throw error;
      }
    },
    async ping() {
      const result = await storage.client.ping().catch(() => ({ success: false }));
      return result.success;
    },
    readHoldsInserts: () => storage.readHoldsInserts(),
  };
}
