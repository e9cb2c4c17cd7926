import type { Storage } from '@tradetrace/storage';
import type { DecisionFacts } from './decision-facts.ts';
import { withEpisodeReturns } from './episode-returns.ts';
import { resolveExtractionOptions, type ExtractionOptions } from './extraction-options.ts';
import { readDecisionFactsSql } from './sql/sql-triplet-reader.ts';
import { readStagedTriplets, type StagedPaging } from './sql/staged-readers.ts';
import { canProjectInSql } from './sql/triplet-projection.ts';
import { assembleTriplet } from './triplet-assembler.ts';
import type { TripletFilter } from './triplet-filter.ts';
import type { Triplet } from './triplet.ts';

/**
 * Reads triplets from storage with the SQL engine, in decision time order (grouped by episode when `gamma` is set).
 * On the embedded engine the engine stages its results in bounded steps and they are read back in pages, so memory
 * stays flat in the number of decisions: the triplets themselves when the policy can be expressed in SQL, else every
 * decision's facts, assembled here with the reward functions and episode returns. A server streams one query's facts.
 * `paging`: rows per page read back on the embedded engine (a collector serving a read uses small ones, so that its
 * inserts run between them).
 */
export async function* readTriplets(
  storage: Storage,
  filter: TripletFilter = {},
  options: ExtractionOptions = {},
  paging: StagedPaging = {},
): AsyncGenerator<Triplet> {
  const resolved = resolveExtractionOptions(options);
  if (storage.kind === 'embedded' && canProjectInSql(resolved))
    yield* readStagedTriplets(storage, filter, resolved, paging);
  else yield* tripletsFromFacts(readDecisionFactsSql(storage, filter, resolved, paging), filter, options);
}

/** The policy half shared by both engines: assemble, add episode returns, drop unrewarded when asked. */
export async function* tripletsFromFacts(
  facts: AsyncIterable<DecisionFacts> | Iterable<DecisionFacts>,
  filter: TripletFilter,
  options: ExtractionOptions,
): AsyncGenerator<Triplet> {
  const resolved = resolveExtractionOptions(options);
  async function* assembled() {
    for await (const f of facts) yield assembleTriplet(f, resolved);
  }
  const triplets = resolved.gamma === null ? assembled() : withEpisodeReturns(assembled(), resolved.gamma);
  for await (const triplet of triplets) {
    if (filter.onlyRewarded && triplet.reward.value === null) continue;
    yield triplet;
  }
}
