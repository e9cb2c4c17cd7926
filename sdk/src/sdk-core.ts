import type { Tracer } from '@opentelemetry/api';
import type { HookRegistry } from './hooks.ts';
import type { RateLimitedReporter } from './safety/sdk-logger.ts';
import type { ActiveStrategy } from './trading-context.ts';
import type { BoundedMemory, DecisionMemory, OrderRecord } from './trading/recent-memory.ts';
import type { RewardFunction } from './trading/reward-functions.ts';

/** The state the decision, order, position and reward modules share inside one enabled SDK instance. */
export interface SdkCore {
  readonly tracer: Tracer;
  readonly reporter: RateLimitedReporter;
  readonly hooks: HookRegistry;
  readonly decisions: DecisionMemory;
  readonly orders: BoundedMemory<OrderRecord>;
  readonly rewardFunctions: RewardFunction[];
  /** The version used when no `runStrategy` scope and no `strategy` input says otherwise. */
  defaultStrategy: ActiveStrategy | undefined;
}
