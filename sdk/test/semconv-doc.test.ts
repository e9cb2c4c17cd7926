import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SDK_VERSION, semconv } from '@tradetrace/sdk';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { inMemorySdk } from './support/in-memory-sdk.ts';

const DOC = readFileSync(fileURLToPath(new URL('../../docs/semconv.md', import.meta.url)), 'utf8');

/** Rows of every markdown table whose header starts with `first`: the cells of each row. */
function tableRows(first: string): string[][] {
  const rows: string[][] = [];
  let inTable = false;
  for (const line of DOC.split('\n')) {
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    const cells = line
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim());
    if (cells[0] === first) {
      inTable = true;
      continue;
    }
    if (inTable && !/^-+$/.test(cells[0]!.replace(/\|/g, '').replace(/-/g, '-'))) rows.push(cells);
  }
  return rows.filter((r) => !r[0]!.startsWith('---') && r[0] !== '|---');
}

function backticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** Every key the doc's attribute tables name (`trading.context.*` stands for the prefix). */
const docKeys = new Set(
  tableRows('name')
    .map((r) => backticked(r[0]!)[0]!)
    .filter(Boolean),
);

/** Every key the constants module exports. */
const codeKeys = new Set(
  Object.entries(semconv)
    .filter(([name, value]) => (name.startsWith('ATTR_') || name.startsWith('EVENT_')) && typeof value === 'string')
    .map(([name, value]) => (name === 'ATTR_TRADING_CONTEXT_PREFIX' ? `${value as string}*` : (value as string))),
);

function documented(key: string): boolean {
  return (
    docKeys.has(key) ||
    (key.startsWith(semconv.ATTR_TRADING_CONTEXT_PREFIX) && docKeys.has(`${semconv.ATTR_TRADING_CONTEXT_PREFIX}*`))
  );
}

describe('docs/semconv.md and sdk/src/semconv agree', () => {
  it('list exactly the same keys', () => {
    expect(docKeys.size).toBeGreaterThan(90);
    expect(
      [...codeKeys].filter((k) => !docKeys.has(k)),
      'in the code, not in the doc',
    ).toEqual([]);
    expect(
      [...docKeys].filter((k) => !codeKeys.has(k)),
      'in the doc, not in the code',
    ).toEqual([]);
  });

  it('document every row with a type, a meaning and a source', () => {
    const types = new Set(['string', 'int', 'double', 'boolean', 'string[]', 'any', 'event']);
    for (const row of tableRows('name')) {
      expect(row, row[0]).toHaveLength(5);
      expect(types.has(row[1]!), `${row[0]} type ${row[1]}`).toBe(true);
      expect(row[2]!.length, `${row[0]} meaning`).toBeGreaterThan(3);
      expect(row[4]!.length, `${row[0]} source`).toBeGreaterThan(2);
    }
  });

  it('list the same enumerated values', () => {
    const enums: Record<string, readonly string[]> = {
      [semconv.ATTR_TRADING_OPERATION_NAME]: semconv.TRADING_OPERATIONS,
      [semconv.ATTR_TRADING_DECISION_ACTION]: semconv.DECISION_ACTIONS,
      [semconv.ATTR_TRADING_DECISION_KIND]: semconv.DECISION_KINDS,
      [semconv.ATTR_TRADING_MODE]: semconv.TRADING_MODES,
      [semconv.ATTR_TRADING_MARKET_TYPE]: semconv.MARKET_TYPES,
      [semconv.ATTR_TRADING_REWARD_KIND]: semconv.REWARD_KINDS,
      [semconv.ATTR_TRADING_ORDER_SIDE]: semconv.ORDER_SIDES,
      [semconv.ATTR_TRADING_ORDER_STATUS]: semconv.ORDER_STATUSES,
      [semconv.ATTR_TRADING_FILL_LIQUIDITY]: semconv.FILL_LIQUIDITIES,
      [semconv.ATTR_TRADING_POSITION_SIDE]: semconv.POSITION_SIDES,
    };
    const rows = tableRows('attribute');
    expect(Object.fromEntries(rows.map((r) => [backticked(r[0]!)[0], backticked(r[1]!)]))).toEqual(
      Object.fromEntries(Object.entries(enums).map(([k, v]) => [k, [...v]])),
    );
  });

  it('use the OpenTelemetry names for GenAI, feature-flag, server and resource keys', () => {
    const otel = new Set(
      Object.entries(incubating)
        .filter(([name]) => name.startsWith('ATTR_'))
        .map(([, value]) => value as string),
    );
    const borrowed = [...codeKeys].filter((k) => !k.startsWith('trading.'));
    expect(borrowed.length).toBeGreaterThan(30);
    for (const key of borrowed) expect(otel.has(key), key).toBe(true);
  });
});

describe('instrumentation scope', () => {
  it('names the SDK version of sdk/package.json', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
      version: string;
    };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});

describe('what the SDK emits is documented', () => {
  const made = inMemorySdk();
  afterAll(() => made.tt.shutdown());

  it('every attribute key and event name of a full run is in docs/semconv.md', async () => {
    const { tt, spans } = made;
    await tt.runStrategy(
      { name: 'momentum', version: 'abc' },
      () =>
        tt.decide(
          {
            symbol: 'SOL/USDC:USDC',
            kind: 'llm',
            exchange: 'binanceusdm',
            marketType: 'swap',
            mode: 'paper',
            context: { price: 1, bid: 0.9, ask: 1.1, rsi_14: 50 },
          },
          async (d) => {
            await tt.traceLlmCall(
              {
                provider: 'deepseek',
                request: { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 0.1, max_tokens: 5 },
              },
              async () => ({
                id: 'r',
                model: 'm',
                choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: 'buy' } }],
                usage: { prompt_tokens: 1, completion_tokens: 1 },
              }),
            );
            await tt.submitOrder(
              {
                symbol: 'SOL/USDC:USDC',
                side: 'buy',
                type: 'limit',
                amount: 1,
                price: 1,
                params: {
                  clientOrderId: 'c',
                  timeInForce: 'GTC',
                  postOnly: true,
                  reduceOnly: false,
                  stopLossPrice: 0.8,
                  takeProfitPrice: 1.3,
                  triggerPrice: 0.95,
                },
              },
              async () => ({
                id: 'o',
                clientOrderId: 'c',
                status: 'closed',
                symbol: 'SOL/USDC:USDC',
                side: 'buy',
                type: 'limit',
                timeInForce: 'GTC',
                price: 1,
                amount: 1,
                filled: 1,
                remaining: 0,
                average: 1,
                cost: 1,
                fee: { cost: 0.01, currency: 'USDC' },
                trades: [
                  {
                    id: 't',
                    order: 'o',
                    price: 1,
                    amount: 1,
                    cost: 1,
                    takerOrMaker: 'maker',
                    fee: { cost: 0.01, currency: 'USDC' },
                  },
                ],
              }),
            );
            await tt.cancelOrder({ orderId: 'o2', symbol: 'SOL/USDC:USDC' }, async () => ({
              id: 'o2',
              status: 'canceled',
            }));
            d.reward(0.1);
            return { action: 'buy' as const, confidence: 0.5, size: 1, reason: 'test' };
          },
        ),
      { featureFlag: { key: 'ab', variant: 'b', provider: 'tradetrace' } },
    );
    tt.recordOrderUpdate({
      id: 'o',
      symbol: 'SOL/USDC:USDC',
      status: 'closed',
      trades: [{ id: 't2', order: 'o', price: 1, amount: 1 }],
    });
    tt.closePosition({
      decisionId: 'x',
      position: {
        id: 'p',
        symbol: 'SOL/USDC:USDC',
        side: 'long',
        contracts: 1,
        entryPrice: 1,
        leverage: 2,
        marginMode: 'cross',
        timestamp: Date.now(),
      },
      exitPrice: 2,
      fees: 0.1,
      exitReason: 'signal',
    });
    tt.emitReward({ decisionId: 'x', value: 1, unit: 'USDC', horizonSeconds: 5 });
    await tt.decide({ symbol: 'X' }, () => Promise.reject(new Error('boom'))).catch(() => {});

    const all = await spans();
    const keys = new Set<string>();
    for (const span of all) {
      for (const key of Object.keys(span.attributes)) keys.add(key);
      for (const key of Object.keys(span.resource.attributes))
        if (key.startsWith('trading.') || key.startsWith('service.') || key.startsWith('deployment.')) keys.add(key);
      for (const event of span.events) {
        if (event.name !== 'exception') keys.add(event.name);
        if (event.name !== 'exception') for (const key of Object.keys(event.attributes ?? {})) keys.add(key);
      }
    }
    expect(keys.size).toBeGreaterThan(60);
    expect([...keys].filter((k) => !documented(k))).toEqual([]);
    expect(new Set(all.map((s) => s.attributes[semconv.ATTR_TRADING_OPERATION_NAME]).filter(Boolean))).toEqual(
      new Set(semconv.TRADING_OPERATIONS),
    );
  });
});
