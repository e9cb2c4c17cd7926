import type { SpanRow } from '@tradetrace/storage';
import { resolveExtractionOptions, type ExtractionOptions } from '../extraction-options.ts';
import { tripletsFromFacts } from '../triplet-export.ts';
import type { TripletFilter } from '../triplet-filter.ts';
import type { Triplet } from '../triplet.ts';
import {
  decisionFactsFromSpans,
  type RewardLogRecord,
  type StrategyVersionRecord,
} from './decision-facts-from-spans.ts';
import type { SpanForest } from './span-forest.ts';

/** Triplets by the TypeScript engine, from spans (and reward log records) held in memory. */
export function tripletsFromSpans(
  input: {
    spans: Iterable<SpanRow> | SpanForest;
    logs?: Iterable<RewardLogRecord>;
    strategyVersions?: Iterable<StrategyVersionRecord>;
  },
  filter: TripletFilter = {},
  options: ExtractionOptions = {},
): AsyncGenerator<Triplet> {
  return tripletsFromFacts(decisionFactsFromSpans(input, filter, resolveExtractionOptions(options)), filter, options);
}
