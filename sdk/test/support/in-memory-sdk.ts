import { InMemorySpanExporter, type ReadableSpan } from '@tradetrace/sdk/testing';
import { init, type SdkLogger, type SdkOptions, type TradeTrace } from '@tradetrace/sdk';

export interface CapturingLogger extends SdkLogger {
  readonly warnings: string[];
  readonly errors: string[];
}

export function capturingLogger(): CapturingLogger {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, warn: (m) => warnings.push(m), error: (m) => errors.push(m) };
}

export interface InMemorySdk {
  tt: TradeTrace;
  exporter: InMemorySpanExporter;
  logger: CapturingLogger;
  /** Flushes, then every span exported so far. */
  spans(): Promise<ReadableSpan[]>;
  /** The one exported span whose name starts with `prefix`. */
  span(prefix: string): Promise<ReadableSpan>;
}

/** An enabled SDK exporting to memory: the real processors (strategy stamping, redaction, bounded queue). */
export function inMemorySdk(options: Partial<SdkOptions> = {}): InMemorySdk {
  const exporter = new InMemorySpanExporter();
  const logger = capturingLogger();
  const tt = init({
    serviceName: 'test-bot',
    botId: 'bot-1',
    exporter,
    logger,
    scheduledDelayMillis: 5,
    shutdownOnExit: false,
    ...options,
  });
  const spans = async () => {
    await tt.forceFlush();
    return exporter.getFinishedSpans();
  };
  return {
    tt,
    exporter,
    logger,
    spans,
    span: async (prefix) => {
      const all = await spans();
      const exact = all.filter((s) => s.name === prefix);
      const found = exact.length > 0 ? exact : all.filter((s) => s.name.startsWith(prefix));
      if (found.length !== 1)
        throw new Error(`expected one span named ${prefix}…, found ${found.map((s) => s.name).join(', ') || 'none'}`);
      return found[0]!;
    },
  };
}
