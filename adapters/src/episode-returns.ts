import type { Triplet } from './triplet.ts';

/**
 * Numbers the steps of each episode and gives every step its discounted return Σ γ^k · r(t+k). Expects the
 * triplets of one episode next to each other, in time order (both engines order so when `gamma` is set); holds
 * one episode in memory at a time. A step without reward counts 0; a return stays null when no step from there
 * on has a reward. Decisions outside any episode are one-step episodes.
 */
export async function* withEpisodeReturns(triplets: AsyncIterable<Triplet>, gamma: number): AsyncGenerator<Triplet> {
  let episode: Triplet[] = [];
  for await (const triplet of triplets) {
    const current = episode[0];
    if (current && (triplet.episode.id === null || triplet.episode.id !== current.episode.id)) {
      yield* finish(episode, gamma);
      episode = [];
    }
    episode.push(triplet);
  }
  yield* finish(episode, gamma);
}

function finish(episode: Triplet[], gamma: number): Triplet[] {
  let ret: number | null = null;
  for (let step = episode.length - 1; step >= 0; step -= 1) {
    const triplet = episode[step]!;
    const reward = triplet.reward.value;
    ret = reward === null && ret === null ? null : (reward ?? 0) + gamma * (ret ?? 0);
    triplet.episode.step = step;
    triplet.episode.discounted_return = ret;
  }
  return episode;
}
