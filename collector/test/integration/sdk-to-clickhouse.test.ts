import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, semconv } from '@tradetrace/sdk';
import { startCollector, type RunningCollector } from '@tradetrace/collector';

interface StoredSpan {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  SpanName: string;
  SpanKind: string;
  ServiceName: string;
  StatusCode: string;
  ResourceAttributes: Record<string, string>;
  SpanAttributes: Record<string, string>;
  'Events.Name': string[];
  'Events.Attributes': Record<string, string>[];
  'Links.SpanId': string[];
}

describe('SDK → OTLP/HTTP → collector → embedded ClickHouse', () => {
  let dataPath: string;
  let collector: RunningCollector;

  beforeAll(async () => {
    dataPath = mkdtempSync(join(tmpdir(), 'tradetrace-e2e-'));
    collector = await startCollector({ port: 0, dataPath });
  });

  afterAll(async () => {
    await collector?.close();
    rmSync(dataPath, { recursive: true, force: true });
  });

  async function spansOf(service: string): Promise<StoredSpan[]> {
    const result = await collector.storage.client.query({
      query: `SELECT * FROM ${collector.storage.table('otel_traces')} WHERE ServiceName = {service:String} ORDER BY Timestamp, SpanName`,
      query_params: { service },
      format: 'JSONEachRow',
    });
    return result.json<StoredSpan>();
  }

  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`stores a decision, its LLM call and its rewards exactly (${protocol})`, async () => {
      const service = `bot-${protocol.replace('/', '-')}`;
      const tt = init({
        serviceName: service,
        botId: 'bot-1',
        endpoint: collector.url,
        protocol,
        scheduledDelayMillis: 10,
      });
      const strategy = { name: 'momentum', version: 'abc123' };
      const result = await tt.decide(
        {
          strategy,
          symbol: 'SOL/USDC:USDC',
          kind: 'llm',
          id: 'dec-1',
          mode: 'paper',
          context: { price: 142.5, rsi_14: 61.25, trend: 'up' },
        },
        async (decision) => {
          await tt.traceLlmCall(
            {
              provider: 'deepseek',
              request: { model: 'deepseek-chat', messages: [{ role: 'user', content: 'buy?' }] },
            },
            async () => ({
              id: 'resp-1',
              model: 'deepseek-chat',
              choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: 'buy' } }],
              usage: { prompt_tokens: 12, completion_tokens: 3 },
            }),
          );
          tt.emitReward({ decisionId: decision.id, value: 0.25, name: 'shaping' });
          return { action: 'buy' as const, confidence: 0.8, size: 2 };
        },
      );
      expect(result.action).toBe('buy');
      tt.emitReward({ decisionId: 'dec-1', value: 1.5 });
      await tt.shutdown();
      // Acknowledged means spooled; reading needs the spool inserted.
      expect(await collector.drain(10_000)).toBe(true);

      const spans = await spansOf(service);
      expect(spans.map((s) => s.SpanName).sort()).toEqual([
        'chat deepseek-chat',
        'decide SOL/USDC:USDC',
        'reward SOL/USDC:USDC',
      ]);
      const decide = spans.find((s) => s.SpanName.startsWith('decide'))!;
      const chat = spans.find((s) => s.SpanName.startsWith('chat'))!;
      const reward = spans.find((s) => s.SpanName.startsWith('reward'))!;

      expect(decide.TraceId).toMatch(/^[0-9a-f]{32}$/);
      expect(decide.SpanKind).toBe('Internal');
      expect(decide.StatusCode).toBe('Unset');
      expect(decide.ResourceAttributes['service.name']).toBe(service);
      expect(decide.ResourceAttributes[semconv.ATTR_TRADING_BOT_ID]).toBe('bot-1');
      expect(decide.SpanAttributes).toMatchObject({
        'trading.operation.name': 'decide',
        'trading.decision.id': 'dec-1',
        'trading.decision.action': 'buy',
        'trading.decision.kind': 'llm',
        'trading.decision.confidence': '0.8',
        'trading.decision.size': '2',
        'trading.strategy.name': 'momentum',
        'trading.strategy.version': 'abc123',
        'trading.symbol': 'SOL/USDC:USDC',
        'trading.mode': 'paper',
        'trading.context.price': '142.5',
        'trading.context.rsi_14': '61.25',
        'trading.context.trend': 'up',
      });
      expect(decide['Events.Name']).toEqual(['trading.reward']);
      expect(decide['Events.Attributes'][0]).toMatchObject({
        'trading.reward.value': '0.25',
        'trading.reward.name': 'shaping',
        'trading.decision.id': 'dec-1',
      });

      expect(chat.TraceId).toBe(decide.TraceId);
      expect(chat.ParentSpanId).toBe(decide.SpanId);
      expect(chat.SpanKind).toBe('Client');
      expect(chat.SpanAttributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'deepseek',
        'gen_ai.request.model': 'deepseek-chat',
        'gen_ai.response.id': 'resp-1',
        'gen_ai.usage.input_tokens': '12',
        'gen_ai.usage.output_tokens': '3',
        'gen_ai.response.finish_reasons': '["stop"]',
      });

      expect(reward.TraceId).not.toBe(decide.TraceId);
      expect(reward['Links.SpanId']).toEqual([decide.SpanId]);
      expect(reward.SpanAttributes).toMatchObject({
        'trading.operation.name': 'reward',
        'trading.decision.id': 'dec-1',
        'trading.reward.value': '1.5',
        'trading.reward.name': 'primary',
        'trading.strategy.version': 'abc123',
      });
    });
  }
});
