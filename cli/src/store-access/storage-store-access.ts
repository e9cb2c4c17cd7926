import { countDecisions, readTriplets, writeTripletsParquet, type StagedPaging } from '@tradetrace/adapters';
import type { Storage } from '@tradetrace/storage';
import type { StoreAccess } from './store-access.ts';
import { runStoreOperation } from './store-operations.ts';
import { extractionOptionsOf } from './triplet-request.ts';

/**
 * The store through open storage: a stopped embedded folder or a ClickHouse server this process opened, or the
 * collector's own storage when it serves a request. `modules`: whether reward-function modules may be loaded (code
 * on this machine; a collector serving others runs presets only). `paging`: how finely a triplet read works on the
 * embedded engine (the reader's defaults when unset); a request's own page size goes first.
 */
export function storageStoreAccess(
  storage: Storage,
  where: string,
  modules: boolean,
  paging: StagedPaging = {},
): StoreAccess {
  return {
    where,
    collectorUrl: undefined,
    run: (name, input) => runStoreOperation(storage, name, input),
    async triplets(request) {
      return readTriplets(storage, request.filter, await extractionOptionsOf(request.extraction, modules), {
        ...paging,
        pageRows: request.pageRows ?? paging.pageRows,
      });
    },
    countDecisions: (filter) => countDecisions(storage, filter),
    async writeParquet(path, request) {
      const options = await extractionOptionsOf(request.extraction, modules);
      return (await writeTripletsParquet(storage, path, request.filter, options)).count;
    },
    close: () => storage.close(),
  };
}
