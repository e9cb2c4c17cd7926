export type { Triplet, LlmCall, RewardMatch } from './triplet.ts';
export { REWARD_MATCHES } from './triplet.ts';
export { readTriplets, writeTripletsJsonl } from './triplet-export.ts';
export { tripletQuery } from './sql-triplet-query.ts';
export { toTriplet } from './triplet-row-mapper.ts';
