import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { z } from 'zod';

/** How simulated orders fill: at the next candle's open, moved against the trader by slippage, minus a fee. */
export const FillModelSchema = z.object({
  /** Fee per fill as a fraction of notional. Default 0.001 (10 bps, a common taker fee). */
  feeRate: z.number().min(0).max(0.1).default(0.001),
  /** Worst-case slippage in basis points; each fill draws uniformly in [0, slippageBps] from the seeded generator. Default 5. */
  slippageBps: z.number().min(0).max(1000).default(5),
  /** Quote notional of each position. Default 1000. */
  positionNotional: z.number().positive().default(1000),
});
export type FillModel = z.input<typeof FillModelSchema>;
export type ResolvedFillModel = z.output<typeof FillModelSchema>;

export interface Fill {
  price: number;
  fee: number;
}

/** A fill model with its own seeded generator: the same seed gives the same fills. */
export class SimulatedFills {
  private readonly model: ResolvedFillModel;
  private readonly rng: ReturnType<typeof xoroshiro128plus>;

  constructor(model: ResolvedFillModel, seed: number) {
    this.model = model;
    this.rng = xoroshiro128plus(seed);
  }

  /** Buying pays more, selling receives less; the fee is on the filled notional. */
  fill(side: 'buy' | 'sell', reference: number, amount: number): Fill {
    const slip = (this.model.slippageBps / 10_000) * uniformFloat64(this.rng);
    const price = side === 'buy' ? reference * (1 + slip) : reference * (1 - slip);
    return { price, fee: price * amount * this.model.feeRate };
  }

  get positionNotional(): number {
    return this.model.positionNotional;
  }
}
