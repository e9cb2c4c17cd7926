import { parseJsonExact } from '@tradetrace/storage';
import type { DecisionFacts, LlmCallFacts } from './decision-facts.ts';
import type { ResolvedExtractionOptions } from './extraction-options.ts';
import { primaryReward, type RewardComponent } from './reward/primary-reward-rule.ts';
import type { LlmCall, Triplet } from './triplet.ts';

const CONTEXT_PREFIX = 'trading.context.';

/** Turns what an engine found into the fixed triplet record, applying the reward policy of the options. */
export function assembleTriplet(facts: DecisionFacts, options: ResolvedExtractionOptions): Triplet {
  const a = facts.attributes;
  const price = numberOrNull(a['trading.context.price']);
  const marketReturn =
    facts.priceAtHorizon !== null && price !== null && price !== 0 ? (facts.priceAtHorizon - price) / price : null;
  const triplet: Triplet = {
    decision_id: facts.decisionId,
    trace_id: facts.traceId,
    span_id: facts.spanId,
    timestamp: rfc3339Nanos(facts.startNs),
    service_name: facts.serviceName,
    bot_id: facts.botId,
    strategy_name: a['trading.strategy.name'] ?? '',
    strategy_version: a['trading.strategy.version'] ?? '',
    strategy_config: parseJsonOrText(facts.strategyConfig),
    symbol: a['trading.symbol'] ?? '',
    exchange: a['trading.exchange'] ?? '',
    mode: a['trading.mode'] ?? '',
    decision: {
      action: a['trading.decision.action'] ?? '',
      kind: a['trading.decision.kind'] ?? '',
      confidence: numberOrNull(a['trading.decision.confidence']),
      size: numberOrNull(a['trading.decision.size']),
      error: decisionError(facts),
      llm_calls: [...facts.llmCalls].sort(byStart).map(toLlmCall),
    },
    context: contextOf(a),
    reward: {
      value: null,
      primary: null,
      unit: null,
      components: {},
      units: {},
      kind: null,
      match: facts.rewardMatch,
      count: facts.rewardCount,
    },
    outcome: {
      orders: facts.orders,
      filled_amount: facts.filledAmount,
      realized_pnl: facts.realizedPnl,
      realized_return: facts.realizedReturn,
      horizon_s: options.horizonNs === null ? null : Number(options.horizonNs) / 1e9,
      price_at_horizon: facts.priceAtHorizon,
      market_return: marketReturn,
    },
    episode: {
      id: a['trading.episode.id'] || a['trading.position.id'] || facts.positionId || null,
      step: null,
      discounted_return: null,
    },
  };
  const components = computedComponents(facts.rewardComponents, triplet, options);
  const primary = primaryReward(components, options.primaryRule);
  triplet.reward.value = primary.value;
  triplet.reward.primary = primary.primary;
  triplet.reward.unit = primary.unit;
  triplet.reward.components = Object.fromEntries(components.map((c) => [c.name, c.value]));
  triplet.reward.units = Object.fromEntries(components.map((c) => [c.name, c.unit]));
  triplet.reward.kind = (components.find((c) => c.name === primary.primary) ?? components[0])?.kind || null;
  if (facts.rewardMatch === 'none' && components.length > 0) {
    triplet.reward.match = options.rewardFunctions.find((f) => components.some((c) => c.name === f.name))!.match;
  }
  return triplet;
}

/** Signals first; a reward function adds its component unless a signal already carries that name. */
function computedComponents(
  signals: readonly RewardComponent[],
  triplet: Triplet,
  options: ResolvedExtractionOptions,
): RewardComponent[] {
  const components = [...signals].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  for (const fn of options.rewardFunctions) {
    if (components.some((c) => c.name === fn.name)) continue;
    const value = fn.compute(triplet);
    if (value === null || !Number.isFinite(value)) continue;
    components.push({
      name: fn.name,
      value,
      kind: fn.kind,
      unit: fn.unit?.(triplet) ?? '',
      primary: false,
      observedNs: 0n,
    });
  }
  return components;
}

/** The decide span's failure: an error status or `error.type` (OTel's mark of a failed operation). */
function decisionError(facts: DecisionFacts): Triplet['decision']['error'] {
  const type = facts.attributes['error.type'] ?? '';
  if (facts.statusCode !== 'Error' && type === '') return null;
  return { type: type || '_OTHER', message: facts.statusMessage };
}

function byStart(x: LlmCallFacts, y: LlmCallFacts): number {
  if (x.startNs !== y.startNs) return x.startNs < y.startNs ? -1 : 1;
  return x.spanId < y.spanId ? -1 : x.spanId > y.spanId ? 1 : 0;
}

function toLlmCall({ attributes: a }: LlmCallFacts): LlmCall {
  return {
    model: a['gen_ai.response.model'] || a['gen_ai.request.model'] || '',
    request_model: a['gen_ai.request.model'] ?? '',
    response_model: a['gen_ai.response.model'] ?? '',
    provider: a['gen_ai.provider.name'] || a['gen_ai.system'] || '',
    system_instructions: parseJsonOrText(a['gen_ai.system_instructions'] ?? ''),
    input_messages: parseJsonOrText(a['gen_ai.input.messages'] ?? ''),
    output_messages: parseJsonOrText(a['gen_ai.output.messages'] ?? ''),
    tool_definitions: parseJsonOrText(a['gen_ai.tool.definitions'] ?? ''),
    input_tokens: numberOrNull(a['gen_ai.usage.input_tokens']),
    output_tokens: numberOrNull(a['gen_ai.usage.output_tokens']),
  };
}

/** `trading.context.*` back to typed values: numbers and booleans as the SDK sent them, the rest as text. */
export function contextOf(
  attributes: Readonly<Record<string, string>>,
): Record<string, string | number | bigint | boolean> {
  const context: Record<string, string | number | bigint | boolean> = {};
  for (const key of Object.keys(attributes).sort()) {
    if (!key.startsWith(CONTEXT_PREFIX)) continue;
    const value = attributes[key]!;
    const name = key.slice(CONTEXT_PREFIX.length);
    if (value === 'true' || value === 'false') context[name] = value === 'true';
    else context[name] = exactInteger(value) ?? numberOrNull(value) ?? value;
  }
  return context;
}

export function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** An integer a number cannot hold exactly (an `intValue` beyond 2^53, stored as its digits), as a `bigint`. */
function exactInteger(value: string): bigint | undefined {
  if (!/^-?\d{16,}$/.test(value)) return undefined;
  const n = BigInt(value);
  return Number.isSafeInteger(Number(n)) ? undefined : n;
}

/** JSON text as its value (integers beyond 2^53 as `bigint`s, exactly), or the text itself when it is not JSON. */
export function parseJsonOrText(value: string): unknown {
  if (value === '') return null;
  try {
    return parseJsonExact(value);
  } catch {
    return value;
  }
}

/** Unix nanoseconds as RFC 3339 with nine fraction digits, UTC. */
export function rfc3339Nanos(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const fraction = ns % 1_000_000_000n;
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${fraction.toString().padStart(9, '0')}Z`;
}
