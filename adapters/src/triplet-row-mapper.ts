import type { TripletQueryRow } from './sql-triplet-query.ts';
import type { LlmCall, Triplet } from './triplet.ts';

const CONTEXT_PREFIX = 'trading.context.';

/** Turns one SQL row into the fixed triplet record. */
export function toTriplet(row: TripletQueryRow): Triplet {
  const a = row.attributes;
  const components = row.reward_components ?? {};
  const names = Object.keys(components);
  return {
    decision_id: row.decision_id,
    trace_id: row.trace_id,
    span_id: row.span_id,
    timestamp: row.timestamp,
    service_name: row.service_name,
    bot_id: row.bot_id,
    strategy_name: a['trading.strategy.name'] ?? '',
    strategy_version: a['trading.strategy.version'] ?? '',
    symbol: a['trading.symbol'] ?? '',
    exchange: a['trading.exchange'] ?? '',
    mode: a['trading.mode'] ?? '',
    decision: {
      action: a['trading.decision.action'] ?? '',
      kind: a['trading.decision.kind'] ?? '',
      confidence: numberOrNull(a['trading.decision.confidence']),
      size: numberOrNull(a['trading.decision.size']),
      llm_calls: (row.llm_calls ?? []).sort((x, y) => x[7].localeCompare(y[7])).map(toLlmCall),
    },
    context: contextOf(a),
    reward: {
      value: names.length === 0 ? null : Object.hasOwn(components, 'primary') ? components.primary! : names.reduce((sum, n) => sum + components[n]!, 0),
      components,
      kind: names.length === 0 ? null : row.reward_kind || null,
      match: names.length === 0 ? 'none' : 'decision_id',
      count: Number(row.reward_count ?? 0),
    },
    outcome: {
      orders: Number(row.orders ?? 0),
      filled_amount: row.filled_amount ?? 0,
      realized_pnl: row.has_position ? row.realized_pnl : null,
      realized_return: row.has_position ? row.realized_return : null,
    },
  };
}

function toLlmCall([requestModel, responseModel, provider, input, output, inputTokens, outputTokens]: TripletQueryRow['llm_calls'][number]): LlmCall {
  return {
    model: responseModel || requestModel,
    provider,
    input_messages: parseJsonOrText(input),
    output_messages: parseJsonOrText(output),
    input_tokens: numberOrNull(inputTokens),
    output_tokens: numberOrNull(outputTokens),
  };
}

/** `trading.context.*` back to typed values: numbers and booleans as the SDK sent them, the rest as text. */
function contextOf(attributes: Record<string, string>): Record<string, string | number | boolean> {
  const context: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(CONTEXT_PREFIX)) continue;
    const name = key.slice(CONTEXT_PREFIX.length);
    if (value === 'true' || value === 'false') context[name] = value === 'true';
    else context[name] = numberOrNull(value) ?? value;
  }
  return context;
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function parseJsonOrText(value: string): unknown {
  if (value === '') return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
