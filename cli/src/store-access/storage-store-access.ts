import { countDecisions, readTriplets, writeTripletsParquet } from '@tradetrace/adapters';
import type { Storage } from '@tradetrace/storage';
import type { StoreAccess } from './store-access.ts';
import { runStoreOperation } from './store-operations.ts';
import { extractionOptionsOf } from './triplet-request.ts';

/** The store through storage this process opened: a stopped embedded folder or a ClickHouse server. */
export function storageStoreAccess(storage: Storage, where: string): StoreAccess {
  return {
    where,
    collectorUrl: undefined,
    run: (name, input) => runStoreOperation(storage, name, input),
    async *triplets(request) {
      yield* readTriplets(storage, request.filter, await extractionOptionsOf(request.extraction, true));
    },
    countDecisions: (filter) => countDecisions(storage, filter),
    async writeParquet(path, request) {
      const options = await extractionOptionsOf(request.extraction, true);
      return (await writeTripletsParquet(storage, path, request.filter, options)).count;
    },
    close: () => storage.close(),
  };
}
