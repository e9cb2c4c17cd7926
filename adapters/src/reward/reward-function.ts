import type { RewardMatch, Triplet } from '../triplet.ts';

/**
 * A reward computed from what a triplet already holds (its outcome, its market return over the horizon), added
 * as the component `name`. Explicit reward signals win over a computed component of the same name.
 */
export interface RewardFunction {
  name: string;
  /** `reward.kind` when this component is the reward: realized, mark_to_market, counterfactual. */
  kind: string;
  /** How the figures it reads were tied to the decision; becomes `reward.match` when no signal matched. */
  match: Exclude<RewardMatch, 'none'>;
  /** The component's unit (`reward.units`): '1' for returns, the settlement currency for P&L; none when omitted. */
  unit?(triplet: Readonly<Triplet>): string;
  /** The reward, or null when this function has nothing to say about the decision. */
  compute(triplet: Readonly<Triplet>): number | null;
}
