import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  llmCallCostUsd,
  DEFAULT_LLM_PRICES,
  insertLogRows,
  insertSpanRows,
  openStorage,
  runMigrations,
  writeLlmPrices,
  type LlmPrice,
  type Storage,
} from '@tradetrace/storage';
import { at, logRow, spanRow } from './fixtures/telemetry-rows.ts';

// One paper-trading episode as a bot instrumented with plain OTel SDK spans and the trading keys sends it:
// an LLM decision with its LLM call, the order it caused with two fills, the position close an hour later in
// another trace with a linked reward span, a reward event on the decision and a reward log record.
const DECISION_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const LATER_TRACE = '5cf92f3577b34da6a3ce929d0e0e4737';
const STRATEGY = { 'trading.strategy.name': 'momentum', 'trading.strategy.version': 'v-3f2a9c' };
const MARKET = {
  'trading.symbol': 'SOL/USDC:USDC',
  'trading.exchange': 'hyperliquid',
  'trading.market.type': 'swap',
  'trading.mode': 'paper',
};

const decision = spanRow({
  TraceId: DECISION_TRACE,
  SpanId: 'd000000000000001',
  SpanName: 'decide SOL/USDC:USDC',
  Timestamp: at(0),
  Duration: 850_000_000,
  SpanAttributes: {
    ...STRATEGY,
    ...MARKET,
    'trading.operation.name': 'decide',
    'trading.decision.id': 'dec-1',
    'trading.decision.action': 'buy',
    'trading.decision.kind': 'llm',
    'trading.decision.confidence': '0.72',
    'trading.decision.size': '3',
    'trading.context.price': '142.5',
    'trading.context.rsi_14': '61.2',
    'trading.context.regime': 'trend',
    'feature_flag.key': 'momentum-ab',
    'feature_flag.result.variant': 'b',
  },
  'Events.Timestamp': [at(0.8)],
  'Events.Name': ['trading.reward'],
  'Events.Attributes': [
    { 'trading.reward.value': '-0.02', 'trading.reward.name': 'latency_penalty', 'trading.reward.kind': 'realized' },
  ],
});

const llmCall = spanRow({
  TraceId: DECISION_TRACE,
  SpanId: 'd000000000000002',
  ParentSpanId: 'd000000000000001',
  SpanName: 'chat deepseek-chat',
  SpanKind: 'Client',
  Timestamp: at(0.1),
  Duration: 640_000_000,
  SpanAttributes: {
    ...STRATEGY,
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'deepseek',
    'gen_ai.request.model': 'deepseek-chat',
    'gen_ai.response.model': 'deepseek-chat',
    'gen_ai.response.id': 'resp-1',
    'gen_ai.response.finish_reasons': '["stop"]',
    'gen_ai.usage.input_tokens': '1200',
    'gen_ai.usage.cache_read.input_tokens': '200',
    'gen_ai.usage.output_tokens': '300',
    'server.address': 'api.deepseek.com',
  },
});

const datedModelCall = spanRow({
  TraceId: DECISION_TRACE,
  SpanId: 'd000000000000003',
  ParentSpanId: 'd000000000000001',
  SpanName: 'chat gpt-4o-mini',
  SpanKind: 'Client',
  Timestamp: at(0.2),
  SpanAttributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': '500',
    'gen_ai.usage.output_tokens': '40',
  },
});

const failedCall = spanRow({
  TraceId: DECISION_TRACE,
  SpanId: 'd000000000000004',
  ParentSpanId: 'd000000000000001',
  SpanName: 'chat local-llama',
  SpanKind: 'Client',
  Timestamp: at(0.3),
  StatusCode: 'Error',
  StatusMessage: '429 Too Many Requests',
  SpanAttributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'local-llama',
    'error.type': 'RateLimitError',
  },
});

const order = spanRow({
  TraceId: DECISION_TRACE,
  SpanId: 'd000000000000005',
  ParentSpanId: 'd000000000000001',
  SpanName: 'submit_order SOL/USDC:USDC',
  SpanKind: 'Client',
  Timestamp: at(0.9),
  SpanAttributes: {
    ...STRATEGY,
    ...MARKET,
    'trading.operation.name': 'submit_order',
    'trading.decision.id': 'dec-1',
    'trading.order.id': 'ord-77',
    'trading.order.client_order_id': 'cli-77',
    'trading.order.side': 'buy',
    'trading.order.type': 'limit',
    'trading.order.time_in_force': 'GTC',
    'trading.order.price': '142.6',
    'trading.order.amount': '3',
    'trading.order.status': 'closed',
    'trading.order.filled': '3',
    'trading.order.average': '142.55',
    'trading.order.cost': '427.65',
    'trading.order.reduce_only': 'false',
  },
  'Events.Timestamp': [at(1.0), at(1.5)],
  'Events.Name': ['trading.order.fill', 'trading.order.fill'],
  'Events.Attributes': [
    {
      'trading.trade.id': 't-1',
      'trading.fill.price': '142.5',
      'trading.fill.amount': '1',
      'trading.fill.fee.cost': '0.05',
      'trading.fill.fee.currency': 'USDC',
      'trading.fill.liquidity': 'maker',
    },
    {
      'trading.trade.id': 't-2',
      'trading.fill.price': '142.575',
      'trading.fill.amount': '2',
      'trading.fill.fee.cost': '0.1',
      'trading.fill.fee.currency': 'USDC',
      'trading.fill.liquidity': 'taker',
    },
  ],
});

const positionClose = spanRow({
  TraceId: LATER_TRACE,
  SpanId: 'e000000000000001',
  SpanName: 'close_position SOL/USDC:USDC',
  Timestamp: at(3600),
  SpanAttributes: {
    ...STRATEGY,
    ...MARKET,
    'trading.operation.name': 'close_position',
    'trading.decision.id': 'dec-1',
    'trading.position.id': 'pos-9',
    'trading.position.side': 'long',
    'trading.position.entry_price': '142.55',
    'trading.position.exit_price': '145.1',
    'trading.position.amount': '3',
    'trading.position.realized_pnl': '7.5',
    'trading.position.realized_return': '0.0175',
    'trading.position.fees': '0.15',
    'trading.position.duration_s': '3599',
    'trading.position.exit_reason': 'take_profit',
  },
});

const rewardSpan = spanRow({
  TraceId: LATER_TRACE,
  SpanId: 'e000000000000002',
  ParentSpanId: 'e000000000000001',
  SpanName: 'reward SOL/USDC:USDC',
  Timestamp: at(3600.1),
  SpanAttributes: {
    ...STRATEGY,
    ...MARKET,
    'trading.operation.name': 'reward',
    'trading.decision.id': 'dec-1',
    'trading.reward.value': '7.5',
    'trading.reward.kind': 'realized',
    'trading.reward.unit': 'USDC',
  },
  'Links.TraceId': [DECISION_TRACE],
  'Links.SpanId': ['d000000000000001'],
  'Links.TraceState': [''],
  'Links.Attributes': [{}],
});

const httpSpan = spanRow({
  TraceId: LATER_TRACE,
  SpanId: 'e000000000000003',
  SpanName: 'GET',
  SpanKind: 'Client',
  SpanAttributes: { 'http.request.method': 'GET' },
});

const rewardLog = logRow({
  Timestamp: at(7200),
  EventName: 'trading.reward',
  ResourceAttributes: { 'service.name': 'sol-bot', 'trading.bot.id': 'bot-7', ...STRATEGY },
  LogAttributes: {
    'trading.decision.id': 'dec-1',
    'trading.reward.value': '-1.25',
    'trading.reward.name': 'drawdown_penalty',
    'trading.reward.kind': 'mark_to_market',
    'trading.reward.horizon_s': '3600',
  },
});

let dataPath: string;
let storage: Storage;

beforeAll(async () => {
  dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-views-'));
  storage = await openStorage({ dataPath });
  await runMigrations(storage);
  await insertSpanRows(storage, [
    decision,
    llmCall,
    datedModelCall,
    failedCall,
    order,
    positionClose,
    rewardSpan,
    httpSpan,
  ]);
  await insertLogRows(storage, [rewardLog]);
});

afterAll(async () => {
  await storage.close();
  rmSync(dataPath, { recursive: true, force: true });
});

async function rows(query: string): Promise<Record<string, unknown>[]> {
  const result = await storage.client.query({
    query,
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return result.json();
}

function expectedCost(price: LlmPrice, input: number, cached: number, output: number): number {
  return (
    ((input - cached) * price.inputUsdPerMTok +
      cached * price.cachedInputUsdPerMTok +
      output * price.outputUsdPerMTok) /
    1e6
  );
}

describe('trading_decisions', () => {
  it('holds one typed row per decision span', async () => {
    expect(
      await rows(`SELECT toUnixTimestamp64Nano(Timestamp) AS ns, DecisionId, TraceId, SpanId, ServiceName, BotId, StrategyName, StrategyVersion, Symbol, Exchange,
        MarketType, Mode, Action, Kind, Confidence, Size, Price, Context, ContextNumbers, FeatureFlagKey, FeatureFlagVariant, DurationNs, StatusCode
        FROM ${storage.table('trading_decisions')}`),
    ).toEqual([
      {
        ns: Number(at(0)),
        DecisionId: 'dec-1',
        TraceId: DECISION_TRACE,
        SpanId: 'd000000000000001',
        ServiceName: 'sol-bot',
        BotId: 'bot-7',
        StrategyName: 'momentum',
        StrategyVersion: 'v-3f2a9c',
        Symbol: 'SOL/USDC:USDC',
        Exchange: 'hyperliquid',
        MarketType: 'swap',
        Mode: 'paper',
        Action: 'buy',
        Kind: 'llm',
        Confidence: 0.72,
        Size: 3,
        Price: 142.5,
        Context: { price: '142.5', rsi_14: '61.2', regime: 'trend' },
        ContextNumbers: { price: 142.5, rsi_14: 61.2 },
        FeatureFlagKey: 'momentum-ab',
        FeatureFlagVariant: 'b',
        DurationNs: 850_000_000,
        StatusCode: 'Unset',
      },
    ]);
  });
});

describe('trading_orders', () => {
  it('holds one typed row per order span, linked to its decision', async () => {
    expect(
      await rows(`SELECT DecisionId, Operation, OrderId, ClientOrderId, Symbol, Side, Type, TimeInForce, Price, TriggerPrice, Amount, Status, Filled, Average, Cost,
        ReduceOnly, PostOnly, StrategyVersion FROM ${storage.table('trading_orders')}`),
    ).toEqual([
      {
        DecisionId: 'dec-1',
        Operation: 'submit_order',
        OrderId: 'ord-77',
        ClientOrderId: 'cli-77',
        Symbol: 'SOL/USDC:USDC',
        Side: 'buy',
        Type: 'limit',
        TimeInForce: 'GTC',
        Price: 142.6,
        TriggerPrice: null,
        Amount: 3,
        Status: 'closed',
        Filled: 3,
        Average: 142.55,
        Cost: 427.65,
        ReduceOnly: false,
        PostOnly: null,
        StrategyVersion: 'v-3f2a9c',
      },
    ]);
  });
});

describe('trading_fills', () => {
  it('holds one row per trading.order.fill event, with the order it belongs to', async () => {
    expect(
      await rows(`SELECT toUnixTimestamp64Nano(Timestamp) AS ns, DecisionId, OrderId, TradeId, Side, Price, Amount, FeeCost, FeeCurrency, Liquidity, SpanId
        FROM ${storage.table('trading_fills')} ORDER BY Timestamp`),
    ).toEqual([
      {
        ns: Number(at(1.0)),
        DecisionId: 'dec-1',
        OrderId: 'ord-77',
        TradeId: 't-1',
        Side: 'buy',
        Price: 142.5,
        Amount: 1,
        FeeCost: 0.05,
        FeeCurrency: 'USDC',
        Liquidity: 'maker',
        SpanId: 'd000000000000005',
      },
      {
        ns: Number(at(1.5)),
        DecisionId: 'dec-1',
        OrderId: 'ord-77',
        TradeId: 't-2',
        Side: 'buy',
        Price: 142.575,
        Amount: 2,
        FeeCost: 0.1,
        FeeCurrency: 'USDC',
        Liquidity: 'taker',
        SpanId: 'd000000000000005',
      },
    ]);
  });
});

describe('trading_positions', () => {
  it('holds one typed row per position close', async () => {
    expect(
      await rows(`SELECT DecisionId, TraceId, PositionId, Side, EntryPrice, ExitPrice, Amount, RealizedPnl, RealizedReturn, Fees, DurationS, ExitReason, Leverage
        FROM ${storage.table('trading_positions')}`),
    ).toEqual([
      {
        DecisionId: 'dec-1',
        TraceId: LATER_TRACE,
        PositionId: 'pos-9',
        Side: 'long',
        EntryPrice: 142.55,
        ExitPrice: 145.1,
        Amount: 3,
        RealizedPnl: 7.5,
        RealizedReturn: 0.0175,
        Fees: 0.15,
        DurationS: 3599,
        ExitReason: 'take_profit',
        Leverage: null,
      },
    ]);
  });
});

describe('trading_rewards', () => {
  it('collects reward events, reward spans and reward log records for the decision', async () => {
    expect(
      await rows(`SELECT toUnixTimestamp64Nano(Timestamp) AS ns, Source, DecisionId, Name, Value, Kind, Unit, HorizonS, StrategyVersion, BotId, TraceId, LinkedTraceId, LinkedSpanId
        FROM ${storage.table('trading_rewards')} ORDER BY Timestamp`),
    ).toEqual([
      {
        ns: Number(at(0.8)),
        Source: 'span_event',
        DecisionId: 'dec-1',
        Name: 'latency_penalty',
        Value: -0.02,
        Kind: 'realized',
        Unit: '',
        HorizonS: null,
        StrategyVersion: 'v-3f2a9c',
        BotId: 'bot-7',
        TraceId: DECISION_TRACE,
        LinkedTraceId: '',
        LinkedSpanId: '',
      },
      {
        ns: Number(at(3600.1)),
        Source: 'span',
        DecisionId: 'dec-1',
        Name: 'primary',
        Value: 7.5,
        Kind: 'realized',
        Unit: 'USDC',
        HorizonS: null,
        StrategyVersion: 'v-3f2a9c',
        BotId: 'bot-7',
        TraceId: LATER_TRACE,
        LinkedTraceId: DECISION_TRACE,
        LinkedSpanId: 'd000000000000001',
      },
      {
        ns: Number(at(7200)),
        Source: 'log',
        DecisionId: 'dec-1',
        Name: 'drawdown_penalty',
        Value: -1.25,
        Kind: 'mark_to_market',
        Unit: '',
        HorizonS: 3600,
        StrategyVersion: 'v-3f2a9c',
        BotId: 'bot-7',
        TraceId: '',
        LinkedTraceId: '',
        LinkedSpanId: '',
      },
    ]);
  });

  it('leaves out a reward whose value is not a number', async () => {
    await insertLogRows(storage, [
      logRow({
        EventName: 'trading.reward',
        Timestamp: at(9000),
        LogAttributes: { 'trading.decision.id': 'dec-bad', 'trading.reward.value': 'n/a' },
      }),
    ]);
    expect(
      await rows(`SELECT DecisionId FROM ${storage.table('trading_rewards')} WHERE DecisionId = 'dec-bad'`),
    ).toEqual([]);
  });
});

describe('llm_calls', () => {
  it('holds tokens, latency, errors and the cost from the price table', async () => {
    const deepseek = DEFAULT_LLM_PRICES['deepseek-chat'];
    const gpt4oMini = DEFAULT_LLM_PRICES['gpt-4o-mini'];
    if (deepseek === undefined || gpt4oMini === undefined)
      throw new Error('default prices lack deepseek-chat or gpt-4o-mini');
    const calls =
      await rows(`SELECT SpanId, ParentSpanId, Operation, Provider, RequestModel, ResponseModel, FinishReasons, InputTokens, OutputTokens, CachedInputTokens,
      LatencyMs, IsError, ErrorType, PriceModel, CostUsd, StrategyVersion FROM ${storage.table('llm_calls')} ORDER BY SpanId`);
    expect(calls).toEqual([
      {
        SpanId: 'd000000000000002',
        ParentSpanId: 'd000000000000001',
        Operation: 'chat',
        Provider: 'deepseek',
        RequestModel: 'deepseek-chat',
        ResponseModel: 'deepseek-chat',
        FinishReasons: ['stop'],
        InputTokens: 1200,
        OutputTokens: 300,
        CachedInputTokens: 200,
        LatencyMs: 640,
        IsError: false,
        ErrorType: '',
        PriceModel: 'deepseek-chat',
        CostUsd: expect.closeTo(expectedCost(deepseek, 1200, 200, 300), 12),
        StrategyVersion: 'v-3f2a9c',
      },
      {
        SpanId: 'd000000000000003',
        ParentSpanId: 'd000000000000001',
        Operation: 'chat',
        Provider: 'openai',
        RequestModel: 'gpt-4o-mini',
        ResponseModel: 'gpt-4o-mini-2024-07-18',
        FinishReasons: [],
        InputTokens: 500,
        OutputTokens: 40,
        CachedInputTokens: null,
        LatencyMs: 1,
        IsError: false,
        ErrorType: '',
        PriceModel: 'gpt-4o-mini',
        CostUsd: expect.closeTo(expectedCost(gpt4oMini, 500, 0, 40), 12),
        StrategyVersion: '',
      },
      {
        SpanId: 'd000000000000004',
        ParentSpanId: 'd000000000000001',
        Operation: 'chat',
        Provider: 'openai',
        RequestModel: 'local-llama',
        ResponseModel: '',
        FinishReasons: [],
        InputTokens: null,
        OutputTokens: null,
        CachedInputTokens: null,
        LatencyMs: 1,
        IsError: true,
        ErrorType: 'RateLimitError',
        PriceModel: '',
        CostUsd: null,
        StrategyVersion: '',
      },
    ]);
    // The in-process price (a search's LLM budget) is the view's, for a dated model name too.
    const usage = (row: Record<string, unknown>) => ({
      inputTokens: row.InputTokens as number,
      outputTokens: row.OutputTokens as number,
      cachedInputTokens: (row.CachedInputTokens as number | null) ?? undefined,
    });
    for (const row of calls.slice(0, 2)) {
      const models = { responseModel: row.ResponseModel as string, requestModel: row.RequestModel as string };
      expect(llmCallCostUsd(DEFAULT_LLM_PRICES, models, usage(row))).toBeCloseTo(row.CostUsd as number, 12);
    }
    expect(llmCallCostUsd(DEFAULT_LLM_PRICES, { requestModel: 'local-llama' }, { inputTokens: 10 })).toBeUndefined();
  });

  it('prices calls stored after an override with the new price, and keeps the cost of earlier calls', async () => {
    const override = { 'deepseek-chat': { inputUsdPerMTok: 1, outputUsdPerMTok: 2, cachedInputUsdPerMTok: 0.5 } };
    expect(await writeLlmPrices(storage, override)).toEqual(['deepseek-chat']);
    expect(await writeLlmPrices(storage, override)).toEqual([]);
    await insertSpanRows(storage, [
      { ...llmCall, TraceId: '6df92f3577b34da6a3ce929d0e0e4738', SpanId: 'f000000000000001', Timestamp: at(10) },
    ]);
    const costs = await rows(
      `SELECT SpanId, CostUsd FROM ${storage.table('llm_calls')} WHERE RequestModel = 'deepseek-chat' ORDER BY SpanId`,
    );
    const deepseek = DEFAULT_LLM_PRICES['deepseek-chat'];
    if (deepseek === undefined) throw new Error('default prices lack deepseek-chat');
    expect(costs).toEqual([
      { SpanId: 'd000000000000002', CostUsd: expect.closeTo(expectedCost(deepseek, 1200, 200, 300), 12) },
      {
        SpanId: 'f000000000000001',
        CostUsd: expect.closeTo(
          expectedCost({ inputUsdPerMTok: 1, outputUsdPerMTok: 2, cachedInputUsdPerMTok: 0.5 }, 1200, 200, 300),
          12,
        ),
      },
    ]);
  });
});

describe('otel_traces_trace_id_ts', () => {
  it('holds the first and last second of each trace', async () => {
    expect(
      await rows(
        `SELECT TraceId, toUnixTimestamp(min(Start)) AS start, toUnixTimestamp(max(End)) AS end FROM ${storage.table('otel_traces_trace_id_ts')} WHERE TraceId IN ('${DECISION_TRACE}', '${LATER_TRACE}') GROUP BY TraceId ORDER BY TraceId`,
      ),
    ).toEqual([
      {
        TraceId: DECISION_TRACE,
        start: Math.floor(Number(BigInt(at(0)) / 1_000_000_000n)),
        end: Math.floor(Number(BigInt(at(0.9)) / 1_000_000_000n)),
      },
      {
        TraceId: LATER_TRACE,
        start: Math.floor(Number(BigInt(at(0)) / 1_000_000_000n)),
        end: Math.floor(Number(BigInt(at(3600.1)) / 1_000_000_000n)),
      },
    ]);
  });
});
