import { attr, orDefault, sqlString } from './attribute-sql.ts';
import { tradingRewards } from './009-trading-rewards.ts';
import type { Migration } from './migration.ts';
import { DEFAULT_REWARD_NAME, KEY } from './trading-attribute-keys.ts';
import { viewQuery, type TypedColumn, type TypedViewDefinition } from './typed-view.ts';

/** The map each view of `trading_rewards` reads a reward's own attributes from. */
const OWN_MAP: Readonly<Record<string, string>> = {
  trading_rewards_from_span_events_mv: 'EventAttributes',
  trading_rewards_from_spans_mv: 'SpanAttributes',
  trading_rewards_from_logs_mv: 'LogAttributes',
};

/**
 * Whether the reward is its decision's primary one: marked so by the bot (`trading.reward.primary`, the SDK marks
 * the first reward function declared) or named `primary` (the name's old meaning, kept).
 */
function isPrimary(own: string): string {
  return `${attr(own, KEY.rewardPrimary)} = 'true' OR ${orDefault(attr(own, KEY.rewardName), DEFAULT_REWARD_NAME)} = ${sqlString(DEFAULT_REWARD_NAME)}`;
}

const IS_PRIMARY: TypedColumn = { name: 'IsPrimary', type: 'Bool', expr: isPrimary('EventAttributes') };

/** `trading_rewards` with `IsPrimary`, after `Unit`. */
export const tradingRewardsWithPrimary: TypedViewDefinition = {
  ...tradingRewards,
  columns: tradingRewards.columns.flatMap((c) => (c.name === 'Unit' ? [c, IS_PRIMARY] : [c])),
  sources: tradingRewards.sources.map((source) => ({
    ...source,
    exprs: { ...source.exprs, IsPrimary: isPrimary(OWN_MAP[source.view]!) },
  })),
};

/** Adds `IsPrimary` to `trading_rewards` and to the views that fill it; rows written before read as not primary. */
export const tradingRewardsPrimaryMigration: Migration = {
  version: 15,
  name: 'trading_rewards_primary',
  statements: ({ table }) => [
    `ALTER TABLE ${table('trading_rewards')} ADD COLUMN IF NOT EXISTS IsPrimary Bool AFTER Unit`,
    ...tradingRewardsWithPrimary.sources.map(
      (source) =>
        `ALTER TABLE ${table(source.view)} MODIFY QUERY ${viewQuery(tradingRewardsWithPrimary, source, table)}`,
    ),
  ],
};
