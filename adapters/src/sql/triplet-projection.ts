import type { ResolvedExtractionOptions } from '../extraction-options.ts';
import type { PrimaryRewardRule } from '../reward/primary-reward-rule.ts';
import type { TripletFilter } from '../triplet-filter.ts';
import type { DecisionFactsQuery } from './decision-facts-query.ts';

const LLM_CALL_TYPE =
  'Tuple(model String, request_model String, response_model String, provider String, system_instructions String, input_messages String, output_messages String, tool_definitions String, input_tokens Nullable(Float64), output_tokens Nullable(Float64))';
/** A decision without an error has an error of type '' here (a tuple cannot be NULL); the readers make it null. */
const DECISION_TYPE = `Tuple(action String, kind String, confidence Nullable(Float64), size Nullable(Float64), error Tuple(type String, message String), llm_calls Array(${LLM_CALL_TYPE}))`;
const REWARD_TYPE =
  'Tuple(value Nullable(Float64), primary Nullable(String), unit Nullable(String), components Map(String, Float64), units Map(String, String), kind Nullable(String), match String, count UInt64)';
const OUTCOME_TYPE =
  'Tuple(orders UInt64, filled_amount Float64, realized_pnl Nullable(Float64), realized_return Nullable(Float64), horizon_s Nullable(Float64), price_at_horizon Nullable(Float64), market_return Nullable(Float64))';
const EPISODE_TYPE = 'Tuple(id Nullable(String), step Nullable(UInt32), discounted_return Nullable(Float64))';

/**
 * The triplet record as ClickHouse types, column for column (docs/triplets.md): the schema of the Parquet export.
 * Free-form values travel as text — LLM messages as JSON, context values as the attribute text — and the
 * Parquet reader types them back exactly as the assembler does.
 */
const TRIPLET_COLUMNS: readonly (readonly [string, string])[] = [
  ['decision_id', 'String'],
  ['trace_id', 'String'],
  ['span_id', 'String'],
  ['timestamp', 'String'],
  ['service_name', 'String'],
  ['bot_id', 'String'],
  ['strategy_name', 'String'],
  ['strategy_version', 'String'],
  ['strategy_config', 'String'],
  ['symbol', 'String'],
  ['exchange', 'String'],
  ['mode', 'String'],
  ['decision', DECISION_TYPE],
  ['context', 'Map(String, String)'],
  ['reward', REWARD_TYPE],
  ['outcome', OUTCOME_TYPE],
  ['episode', EPISODE_TYPE],
];
export const TRIPLET_STRUCTURE = TRIPLET_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');

/** Whether the options can be applied inside ClickHouse (reward functions and episode returns run in TypeScript). */
export function canProjectInSql(options: ResolvedExtractionOptions): boolean {
  return options.rewardFunctions.length === 0 && options.gamma === null;
}

/** A finite number from text, else NULL (what the assembler's numberOrNull does). */
const num = (expr: string) => `if(isFinite(ifNull(toFloat64OrNull(${expr}), nan)), toFloat64OrNull(${expr}), NULL)`;

/**
 * Wraps the facts query into whole triplets computed by the engine: the pushed-down path of large exports
 * (Parquet written by ClickHouse without a row passing through Node). Mirrors triplet-assembler.ts for the
 * policies SQL can express; a test holds the two equal.
 */
export function tripletProjection(facts: DecisionFactsQuery, options: ResolvedExtractionOptions): DecisionFactsQuery {
  if (!canProjectInSql(options))
    throw new Error('reward functions and episode returns run in TypeScript; they cannot be projected in SQL');
  const params = { ...facts.params, ...ruleParams(options.primaryRule) };
  const attr = (key: string) => `f.attributes['${key}']`;
  const horizon = options.horizonNs === null ? 'NULL' : `${Number(options.horizonNs) / 1e9}`;
  const query = `
SELECT
  f.decision_id AS decision_id, f.trace_id AS trace_id, f.span_id AS span_id,
  concat(formatDateTime(fromUnixTimestamp64Nano(toInt64(f.start_ns), 'UTC'), '%Y-%m-%dT%H:%i:%S', 'UTC'), '.',
         leftPad(toString(toInt64(f.start_ns) % 1000000000), 9, '0'), 'Z') AS timestamp,
  f.service_name AS service_name, f.bot_id AS bot_id,
  ${attr('trading.strategy.name')} AS strategy_name, ${attr('trading.strategy.version')} AS strategy_version, f.strategy_config AS strategy_config,
  ${attr('trading.symbol')} AS symbol, ${attr('trading.exchange')} AS exchange, ${attr('trading.mode')} AS mode,
  CAST(tuple(${attr('trading.decision.action')}, ${attr('trading.decision.kind')},
             ${num(attr('trading.decision.confidence'))}, ${num(attr('trading.decision.size'))},
             if(f.status_code = 'Error' OR ${attr('error.type')} != '',
                tuple(if(${attr('error.type')} != '', ${attr('error.type')}, '_OTHER'), f.status_message), tuple('', '')),
             arrayMap(c -> tuple(if(c.4 != '', c.4, c.3), c.3, c.4, if(c.5 != '', c.5, c.6), c.11, c.7, c.8, c.12, ${num('c.9')}, ${num('c.10')}),
                      arraySort(c -> tuple(toInt64(c.2), c.1), f.llm_calls))),
       '${DECISION_TYPE}') AS decision,
  CAST(mapApply((k, v) -> (substring(k, 17), v), mapFilter((k, v) -> startsWith(k, 'trading.context.'), f.attributes)), 'Map(String, String)') AS context,
  arraySort(c -> c.1, if(f.has_reward = 1, f.reward_components, [])) AS comps,
  arrayMap(c -> c.1, comps) AS comp_names,
  ${primaryIndexSql(options.primaryRule)} AS primary_index,
  ${primaryValueSql(options.primaryRule)} AS reward_value,
  CAST(tuple(reward_value, if(primary_index > 0, comps[primary_index].1, NULL),
             if(isNull(reward_value), NULL, if(primary_index > 0, comps[primary_index].5, ${valueUnitSql(options.primaryRule)})),
             mapFromArrays(comp_names, arrayMap(c -> c.2, comps)), mapFromArrays(comp_names, arrayMap(c -> c.5, comps)),
             nullIf(if(primary_index > 0, comps[primary_index].3, if(empty(comps), '', comps[1].3)), ''),
             if(empty(comps), 'none', ['decision_id', 'link', 'ancestor', 'time'][f.reward_rank + 1]),
             if(empty(comps), 0, toUInt64(f.reward_count))),
       '${REWARD_TYPE}') AS reward,
  ${num(attr('trading.context.price'))} AS decision_price,
  CAST(tuple(toUInt64(f.orders), f.filled_amount,
             if(f.has_position = 1, f.realized_pnl, NULL), if(f.has_position = 1, f.realized_return, NULL),
             ${horizon}, f.price_at_horizon,
             if(isNull(f.price_at_horizon) OR isNull(decision_price) OR decision_price = 0, NULL, (f.price_at_horizon - decision_price) / decision_price)),
       '${OUTCOME_TYPE}') AS outcome,
  CAST(tuple(nullIf(f.episode_key, ''), NULL, NULL), '${EPISODE_TYPE}') AS episode
FROM (${facts.query}) AS f`;
  return { query: `SELECT ${TRIPLET_COLUMNS.map(([name]) => name).join(', ')} FROM (${query})`, params };
}

/** The projection of the triplets the filter keeps: `onlyRewarded` needs the reward, so it applies to the projection. */
export function projectedTriplets(
  facts: DecisionFactsQuery,
  options: ResolvedExtractionOptions,
  filter: TripletFilter,
): DecisionFactsQuery {
  const projected = tripletProjection(facts, options);
  return {
    query: `SELECT * FROM (${projected.query})${filter.onlyRewarded ? ` WHERE isNotNull(tupleElement(reward, 'value'))` : ''}`,
    params: projected.params,
  };
}

function ruleParams(rule: PrimaryRewardRule): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (rule.rule === 'component') params.rule_component = rule.name;
  if (rule.rule === 'weighted') {
    params.rule_names = Object.keys(rule.weights);
    params.rule_weights = Object.values(rule.weights);
  }
  return params;
}

/**
 * primaryReward (reward/primary-reward-rule.ts) over `comps`, the (name, value, kind, ns, unit, primary) tuples sorted
 * by name: the 1-based index of the component the value is (0 for a sum or none) ...
 */
function primaryIndexSql(rule: PrimaryRewardRule): string {
  switch (rule.rule) {
    case 'default':
      return `arrayFirstIndex(c -> c.6 OR c.1 = 'primary', comps)`;
    case 'last':
      return `if(empty(comps), 0, indexOf(comps, arrayReverseSort(c -> tuple(toInt64(c.4), c.1), comps)[1]))`;
    case 'component':
      return `arrayFirstIndex(c -> c.1 = {rule_component:String}, comps)`;
    case 'sum':
    case 'weighted':
      return '0';
  }
}

/** ... the value, given `primary_index` ... */
function primaryValueSql(rule: PrimaryRewardRule): string {
  const sameUnitSum = `if(length(arrayDistinct(arrayMap(c -> c.5, comps))) = 1, arraySum(arrayMap(c -> c.2, comps)), NULL)`;
  switch (rule.rule) {
    case 'default':
      return `if(primary_index > 0, comps[primary_index].2, ${sameUnitSum})`;
    case 'sum':
      return sameUnitSum;
    case 'last':
    case 'component':
      return `if(primary_index > 0, comps[primary_index].2, NULL)`;
    case 'weighted':
      return `if(hasAny(comp_names, {rule_names:Array(String)}),
                 arraySum(arrayMap((n, w) -> if(has(comp_names, n), w * arrayFirst(c -> c.1 = n, comps).2, 0), {rule_names:Array(String)}, {rule_weights:Array(Float64)})), NULL)`;
  }
}

/** ... and the unit of a value that is no single component: the one unit of the components it adds, else NULL. */
function valueUnitSql(rule: PrimaryRewardRule): string {
  const used = rule.rule === 'weighted' ? `arrayFilter(c -> has({rule_names:Array(String)}, c.1), comps)` : 'comps';
  return `if(length(arrayDistinct(arrayMap(c -> c.5, ${used}))) = 1, ${used}[1].5, NULL)`;
}
