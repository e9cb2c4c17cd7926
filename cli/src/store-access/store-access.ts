import type { Triplet, TripletFilter } from '@tradetrace/adapters';
import type { StoreOperationInput, StoreOperationName, StoreOperationResult } from './store-operations.ts';
import type { TripletRequest } from './triplet-request.ts';

/**
 * How a command reaches the data: storage it opens itself (a stopped embedded folder, a ClickHouse server) or the
 * collector that owns the folder. Commands use only this, so none of them branches on where the data is.
 */
export interface StoreAccess {
  /** Where the data is, for messages: `the collector at URL`, `the folder DIR`, `the ClickHouse server at URL`. */
  readonly where: string;
  /** The collector's URL when one serves the store (a backtest sends its spans there). */
  readonly collectorUrl: string | undefined;
  /** Runs one of the commands' operations (store-operations.ts). */
  run<N extends StoreOperationName>(name: N, input: StoreOperationInput<N>): Promise<StoreOperationResult<N>>;
  /** Triplets in decision time order (by episode with a gamma), read in pages; a bad request fails before the first. */
  triplets(request: TripletRequest): Promise<AsyncIterable<Triplet>>;
  /** Decisions the filter selects, for a progress bar; null when not known up front. */
  countDecisions(filter: TripletFilter): Promise<number | null>;
  /** Writes a Parquet file with the engine's writer; returns the rows written, null when not reported. */
  writeParquet(path: string, request: TripletRequest): Promise<number | null>;
  close(): Promise<void>;
}
