import { insertLogRowBinary, insertSpanRowBinary, type Storage } from '@tradetrace/storage';
import { InsertRejectedError, type RowSink } from './row-sink.ts';

/**
 * ClickHouse error codes that mean "these rows are bad", not "the server is unwell": parse and type errors,
 * values out of range, strings too large. Anything else is treated as transient and retried.
 */
const CONTENT_ERROR_CODES = new Set([
  '6',
  '26',
  '27',
  '32',
  '33',
  '38',
  '41',
  '53',
  '62',
  '69',
  '70',
  '72',
  '117',
  '131',
  '190',
  '349',
]);

/** The real sink: inserts into the storage's tables with the batch's deduplication token. */
export function createClickHouseRowSink(storage: Storage): RowSink {
  return {
    async insert(batch) {
      try {
        const insert = batch.signal === 'traces' ? insertSpanRowBinary : insertLogRowBinary;
        await insert(storage, batch.rowBinary, { deduplicationToken: batch.deduplicationToken });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && CONTENT_ERROR_CODES.has(code)) {
          throw new InsertRejectedError(`ClickHouse refused the rows: ${(error as Error).message}`, { cause: error });
        }
        throw error;
      }
    },
    async ping() {
      const result = await storage.client.ping().catch(() => ({ success: false }));
      return result.success;
    },
  };
}
