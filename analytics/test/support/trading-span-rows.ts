import { randomBytes } from 'node:crypto';
import type { SpanRow } from '@tradetrace/storage';

/** Span rows as the collector writes them for the SDK's spans (attribute values are strings in the maps). */

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

function row(
  name: string,
  atMs: number,
  attributes: Record<string, string | number>,
  extra: Partial<SpanRow> = {},
): SpanRow {
  return {
    Timestamp: `${BigInt(Math.round(atMs)) * 1_000_000n}`,
    TraceId: hex(16),
    SpanId: hex(8),
    ParentSpanId: '',
    TraceState: '',
    SpanName: name,
    SpanKind: 'Internal',
    ServiceName: 'fixture-bot',
    ResourceAttributes: { 'service.name': 'fixture-bot' },
    ScopeName: '@tradetrace/sdk',
    ScopeVersion: '0.1.0',
    SpanAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)])),
    Duration: 1_000_000,
    StatusCode: 'Unset',
    StatusMessage: '',
    'Events.Timestamp': [],
    'Events.Name': [],
    'Events.Attributes': [],
    'Links.TraceId': [],
    'Links.SpanId': [],
    'Links.TraceState': [],
    'Links.Attributes': [],
    ...extra,
  };
}

export interface TradeFixture {
  strategy: string;
  version: string;
  mode: 'live' | 'paper' | 'backtest';
  decisionId: string;
  atMs: number;
  realizedReturn: number;
  realizedPnl: number;
  /** Primary reward on the decision span as a `trading.reward` event; none when undefined. */
  reward?: number;
  /** `BTC/USDT` when undefined. */
  symbol?: string;
}

/** A decision span (with its reward event) and the position-close span of the trade it opened. */
export function tradeRows(trade: TradeFixture): SpanRow[] {
  const strategy = { 'trading.strategy.name': trade.strategy, 'trading.strategy.version': trade.version };
  const symbol = trade.symbol ?? 'BTC/USDT';
  const decision = row(`decide ${symbol}`, trade.atMs, {
    'trading.operation.name': 'decide',
    'trading.decision.id': trade.decisionId,
    'trading.decision.action': 'buy',
    'trading.symbol': symbol,
    'trading.mode': trade.mode,
    ...strategy,
  });
  if (trade.reward !== undefined) {
    decision['Events.Timestamp'] = [decision.Timestamp];
    decision['Events.Name'] = ['trading.reward'];
    decision['Events.Attributes'] = [
      {
        'trading.reward.value': String(trade.reward),
        'trading.reward.name': 'primary',
        'trading.decision.id': trade.decisionId,
      },
    ];
  }
  const close = row(`close_position ${symbol}`, trade.atMs + 1, {
    'trading.operation.name': 'close_position',
    'trading.decision.id': trade.decisionId,
    'trading.symbol': symbol,
    'trading.position.id': `${trade.decisionId}-p`,
    'trading.position.side': 'long',
    'trading.position.realized_return': trade.realizedReturn,
    'trading.position.realized_pnl': trade.realizedPnl,
    ...strategy,
  });
  return [decision, close];
}

/** A decision that did not trade. */
export function holdDecisionRow(
  strategy: string,
  version: string,
  mode: TradeFixture['mode'],
  decisionId: string,
  atMs: number,
  symbol = 'BTC/USDT',
): SpanRow {
  return row(`decide ${symbol}`, atMs, {
    'trading.operation.name': 'decide',
    'trading.decision.id': decisionId,
    'trading.decision.action': 'hold',
    'trading.symbol': symbol,
    'trading.mode': mode,
    'trading.strategy.name': strategy,
    'trading.strategy.version': version,
  });
}

/** An LLM chat span (OTel GenAI conventions). */
export function llmCallRow(
  model: string,
  atMs: number,
  latencyMs: number,
  inputTokens: number,
  outputTokens: number,
): SpanRow {
  return row(
    `chat ${model}`,
    atMs,
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.response.model': model,
      'gen_ai.usage.input_tokens': inputTokens,
      'gen_ai.usage.output_tokens': outputTokens,
    },
    { SpanKind: 'Client', Duration: Math.round(latencyMs * 1e6) },
  );
}

/** A late reward as the SDK sends it after the decision ended: a `reward` span that also carries the event. */
export function rewardSpanRow(decisionId: string, value: number, atMs: number): SpanRow {
  const attributes = {
    'trading.decision.id': decisionId,
    'trading.reward.value': String(value),
    'trading.reward.name': 'primary',
  };
  const span = row('reward BTC/USDT', atMs, { 'trading.operation.name': 'reward', ...attributes });
  span['Events.Timestamp'] = [span.Timestamp];
  span['Events.Name'] = ['trading.reward'];
  span['Events.Attributes'] = [attributes];
  return span;
}

/** The span the SDK sends for a version a bot runs (`tradetrace.strategy.version`), from bot `botId`. */
export function registrationSpanRow(
  registration: { strategy: string; version: string; config: string; redacted: boolean; botId: string },
  atMs: number,
): SpanRow {
  return row(
    'tradetrace.strategy.version',
    atMs,
    {
      'trading.strategy.name': registration.strategy,
      'trading.strategy.version': registration.version,
      'trading.strategy.config': registration.config,
      'trading.strategy.config_redacted': String(registration.redacted),
    },
    { ResourceAttributes: { 'service.name': 'fixture-bot', 'trading.bot.id': registration.botId } },
  );
}
