import { afterEach, describe, expect, it } from 'vitest';
import {
  AsyncLocalStorageContextManager,
  context,
  InMemorySpanExporter,
  resourceFromAttributes,
  trace,
  TracerProvider,
  type SpanProcessor,
} from '@tradetrace/sdk/testing';
import { init } from '@tradetrace/sdk';

describe('init({ useGlobalProvider: true })', () => {
  afterEach(() => {
    trace.disable();
    context.disable();
  });

  /** What an app's OTel setup does: a provider built with the SDK's processors, registered globally. */
  function appProvider(spanProcessors: SpanProcessor[]) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'app', 'app.team': 'desk-3' }),
      spanProcessors,
    });
    trace.setGlobalTracerProvider(provider);
    return provider;
  }

  it("hands out its processors and makes its spans with the app's provider, registered after init", async () => {
    const exporter = new InMemorySpanExporter();
    const tt = init({
      serviceName: 'sol-bot',
      botId: 'bot-7',
      exporter,
      useGlobalProvider: true,
      shutdownOnExit: false,
    });
    expect(tt.spanProcessors).toHaveLength(2);
    const provider = appProvider([...tt.spanProcessors]);
    await tt.runStrategy({ name: 'momentum', version: 'v1' }, () =>
      tt.decide({ symbol: 'SOL/USDC:USDC' }, async () => {
        trace.getTracer('app').startSpan('GET /ticker?api_key=sk-live-0123456789abcdef').end();
        return { action: 'hold' };
      }),
    );
    trace.getTracer('app').startSpan('outside').end();
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const decision = spans.find((s) => s.name.startsWith('decide '))!;
    const child = spans.find((s) => s.instrumentationScope.name === 'app' && s.name !== 'outside')!;
    expect(child.parentSpanContext?.spanId).toBe(decision.spanContext().spanId);
    expect(child.attributes['trading.strategy.version']).toBe('v1');
    // The app's spans get the same redaction as the SDK's own.
    expect(child.name).not.toContain('sk-live-0123456789abcdef');
    expect(spans.map((s) => s.name)).toContain('outside');
    for (const span of spans) {
      expect(span.resource.attributes['service.name']).toBe('sol-bot');
      expect(span.resource.attributes['trading.bot.id']).toBe('bot-7');
      expect(span.resource.attributes['app.team']).toBe('desk-3');
    }
    expect(tt.stats().exported).toBe(spans.length);
    await tt.shutdown();
    await provider.shutdown();
  });

  it('hands out no processors when it runs its own provider, or when disabled', () => {
    const own = init({ serviceName: 'bot', exporter: new InMemorySpanExporter(), shutdownOnExit: false });
    expect(own.spanProcessors).toEqual([]);
    expect(init({ serviceName: 'bot', useGlobalProvider: true }).spanProcessors).toEqual([]);
    void own.shutdown();
  });
});
