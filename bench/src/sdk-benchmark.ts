import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { init, semconv as A, type TradeTrace } from '@tradetrace/sdk';
import {
  AsyncLocalStorageContextManager,
  BatchSpanProcessor,
  context,
  ExportResultCode,
  resourceFromAttributes,
  SpanKind,
  trace,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
  type Tracer,
} from '@tradetrace/sdk/testing';
import { summarize, type Figures } from './repeated-measurement.ts';

/**
 * SDK overhead, CPU only: a traced decision (decision span + one LLM child span + one reward event) made through
 * `@tradetrace/sdk` with all its processors (strategy stamping, redaction, bounded queue), against the same spans made
 * directly with the raw OpenTelemetry SDK (same package versions, BatchSpanProcessor). Both export to an in-process
 * exporter that accepts everything at once, so no network or serialisation is measured, only the work each side
 * does on the bot's thread — including the export-time work (redaction) the SDK adds, since every run ends with a
 * flush.
 *
 * Both sides make the same spans: the raw side registers the AsyncLocalStorage context manager, as any Node setup of
 * the OTel SDK does (`NodeTracerProvider.register()`), without which its LLM span would start a trace of its own
 * instead of being the decision's child; each child process checks the span count and the parent links it exported.
 *
 * Each side runs in a process of its own (the same Node binary and flags), so no side pays for the garbage, the heap
 * sizing or the JIT state another one left; process CPU time (user + system) is measured, so a busy machine does not
 * skew one side. Sides alternate over several rounds; each figure is the median of all repeats, and the ratio and the
 * difference are medians of pairs measured in the same round.
 *
 * Figures (CPU µs per decision): `sdk.decision_us`, `sdk.raw_otel_us`, their ratio `sdk.decision_overhead_ratio`
 * (goal ≤ 1.25); `sdk.disabled_us` (goal ≤ 1): what a disabled SDK adds to a decision — the same loop through a
 * disabled SDK (`sdk.disabled_loop_us`) minus the same bot code with no SDK at all (`sdk.bare_loop_us`), floored at 0.
 */
export async function runSdkBenchmark(options: { quick: boolean }): Promise<Figures> {
  const decisions = options.quick ? 2_000 : 20_000;
  // Many short rounds rather than a few long ones: a machine whose load drifts hits both sides alike.
  const rounds = options.quick ? 2 : 6;
  const repeatsPerProcess = options.quick ? 2 : 3;
  const samples: Record<Side, number[]> = { sdk: [], raw: [], disabled: [], bare: [] };
  for (let round = 0; round < rounds; round++) {
    const order = SIDES.map((_, i) => SIDES[(i + round) % SIDES.length]!);
    for (const side of order) samples[side].push(...(await measureInChildProcess(side, decisions, repeatsPerProcess)));
  }
  // The i-th samples of all sides come from the same round, minutes apart at most: comparisons pair them.
  const paired = (combine: (i: number) => number) => summarize(samples.sdk.map((_, i) => combine(i)));
  return {
    'sdk.decision_us': summarize(samples.sdk),
    'sdk.raw_otel_us': summarize(samples.raw),
    'sdk.decision_overhead_ratio': paired((i) => samples.sdk[i]! / samples.raw[i]!),
    'sdk.disabled_us': paired((i) => Math.max(0, samples.disabled[i]! - samples.bare[i]!)),
    'sdk.disabled_loop_us': summarize(samples.disabled),
    'sdk.bare_loop_us': summarize(samples.bare),
  };
}

const SIDES = ['sdk', 'raw', 'disabled', 'bare'] as const;
type Side = (typeof SIDES)[number];
const CHILD_FLAG = '--sdk-benchmark-side';
const THIS_FILE = fileURLToPath(import.meta.url);

/** Runs one side in a fresh process of the same Node binary; resolves to its samples (µs per decision). */
function measureInChildProcess(side: Side, decisions: number, repeats: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...process.execArgv, THIS_FILE, CHILD_FLAG, side, String(decisions), String(repeats)],
      { maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`sdk benchmark (${side}) failed: ${stderr || error.message}`));
          return;
        }
        const samples = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as unknown;
        if (
          !Array.isArray(samples) ||
          samples.length !== repeats ||
          !samples.every((v) => typeof v === 'number' && Number.isFinite(v))
        ) {
          reject(new Error(`sdk benchmark (${side}) gave no samples: ${stdout}`));
          return;
        }
        resolve(samples as number[]);
      },
    );
  });
}

/** In the child: one warm-up run, then `repeats` timed runs of one side; prints the samples as JSON. */
async function runSide(side: Side, decisions: number, repeats: number): Promise<void> {
  const exporter = new AcceptingExporter();
  const queue = { maxQueueSize: 65_536, maxExportBatchSize: 512, scheduledDelayMillis: 1000 };
  let run: () => Promise<number>;
  let finish = async () => {};
  if (side === 'sdk') {
    const sdk = init({
      serviceName: 'bench-bot',
      botId: 'bench-1',
      exporter,
      shutdownOnExit: false,
      logger: { warn: () => {}, error: () => {} },
      ...queue,
    });
    run = () =>
      timeLoop(
        decisions,
        (i) => sdkDecision(sdk, i),
        () => sdk.forceFlush(),
      );
    finish = async () => {
      await sdk.shutdown();
      if (sdk.stats().dropped > 0)
        throw new Error(
          `the SDK dropped ${sdk.stats().dropped} spans during the benchmark: the figures would flatter it`,
        );
    };
  } else if (side === 'raw') {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ [A.ATTR_SERVICE_NAME]: 'bench-bot', [A.ATTR_TRADING_BOT_ID]: 'bench-1' }),
      spanProcessors: [new BatchSpanProcessor({ exporter, ...queue })],
    });
    const raw = provider.getTracer('raw-otel');
    run = () =>
      timeLoop(
        decisions,
        (i) => rawDecision(raw, i),
        () => provider.forceFlush(),
      );
    finish = () => provider.shutdown();
  } else if (side === 'disabled') {
    const disabled = init({ serviceName: 'bench-bot', disabled: true });
    run = () =>
      timeLoop(
        decisions,
        (i) => sdkDecision(disabled, i),
        async () => {},
      );
  } else {
    run = () =>
      timeLoop(
        decisions,
        (i) => bareDecision(i),
        async () => {},
      );
  }
  await run();
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) samples.push(await run());
  await finish();
  if (side === 'sdk' || side === 'raw') exporter.checkShape(decisions * (repeats + 1));
  process.stdout.write(`${JSON.stringify(samples)}\n`);
}

/** Accepts every batch at once: the benchmark measures span work, not transport. */
class AcceptingExporter implements SpanExporter {
  private spans = 0;
  private children = 0;
  export(spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    this.spans += spans.length;
    for (const span of spans) if (span.parentSpanContext !== undefined) this.children++;
    done({ code: ExportResultCode.SUCCESS });
  }

  /** Every decision gave a decision span and an LLM span that is its child: both sides did the same work. */
  checkShape(decisions: number): void {
    if (this.spans !== 2 * decisions || this.children !== decisions) {
      throw new Error(
        `expected ${2 * decisions} spans of which ${decisions} children, got ${this.spans} spans of which ${this.children} children`,
      );
    }
  }
  async shutdown(): Promise<void> {}
}

/**
 * CPU µs per decision for `n` decisions, yielding to the event loop every 256 decisions as a bot would, plus a final
 * flush. Process CPU time (user + system), not wall time: other processes on the machine do not count.
 */
async function timeLoop(
  n: number,
  decide: (i: number) => Promise<unknown>,
  flush: () => Promise<void>,
): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    await decide(i);
    if ((i & 255) === 255) await new Promise((resolve) => setImmediate(resolve));
  }
  await flush();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const strategy = { name: 'bench-momentum', version: '3f2a9c1b7d00' };
const symbol = 'SOL/USDC:USDC';
const request = {
  model: 'deepseek-chat',
  temperature: 0.2,
  messages: [
    { role: 'system', content: 'You are a trading assistant. Answer buy, sell or hold.' },
    { role: 'user', content: 'SOL/USDC:USDC price 142.5, RSI(14) 61.2, 24h volume 1.2M. Position: flat.' },
  ],
};
const completion = {
  id: 'chatcmpl-bench',
  model: 'deepseek-chat',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'buy' } }],
  usage: { prompt_tokens: 48, completion_tokens: 1 },
};
const respond = async () => completion;

function sdkDecision(tt: TradeTrace, i: number): Promise<unknown> {
  return tt.decide(
    { strategy, symbol, kind: 'llm', mode: 'paper', context: { price: 142.5 + (i % 7), rsi_14: 61.2 } },
    async (decision) => {
      await tt.traceLlmCall({ provider: 'deepseek', request }, respond);
      decision.reward(0.1, { name: 'shaping' });
      return { action: 'buy' as const, confidence: 0.7 };
    },
  );
}

function rawDecision(tracer: Tracer, i: number): Promise<unknown> {
  const id = randomUUID();
  return tracer.startActiveSpan(
    `decide ${symbol}`,
    {
      attributes: {
        [A.ATTR_TRADING_OPERATION_NAME]: 'decide',
        [A.ATTR_TRADING_DECISION_ID]: id,
        [A.ATTR_TRADING_DECISION_KIND]: 'llm',
        [A.ATTR_TRADING_SYMBOL]: symbol,
        [A.ATTR_TRADING_STRATEGY_NAME]: strategy.name,
        [A.ATTR_TRADING_STRATEGY_VERSION]: strategy.version,
        [A.ATTR_TRADING_MODE]: 'paper',
        [A.ATTR_TRADING_CONTEXT_PRICE]: 142.5 + (i % 7),
        'trading.context.rsi_14': 61.2,
      },
    },
    async (span) => {
      const llm = tracer.startSpan(`chat ${request.model}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          [A.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
          [A.ATTR_GEN_AI_PROVIDER_NAME]: 'deepseek',
          [A.ATTR_GEN_AI_REQUEST_MODEL]: request.model,
          [A.ATTR_GEN_AI_REQUEST_TEMPERATURE]: request.temperature,
          [A.ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify(request.messages),
        },
      });
      const response = await context.with(trace.setSpan(context.active(), llm), respond);
      llm.setAttributes({
        [A.ATTR_GEN_AI_RESPONSE_ID]: response.id,
        [A.ATTR_GEN_AI_RESPONSE_MODEL]: response.model,
        [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: response.choices.map((c) => c.finish_reason),
        [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: response.usage.prompt_tokens,
        [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: response.usage.completion_tokens,
        [A.ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify(response.choices.map((c) => c.message)),
      });
      llm.end();
      span.addEvent(A.EVENT_TRADING_REWARD, {
        [A.ATTR_TRADING_DECISION_ID]: id,
        [A.ATTR_TRADING_REWARD_VALUE]: 0.1,
        [A.ATTR_TRADING_REWARD_NAME]: 'shaping',
        [A.ATTR_TRADING_REWARD_KIND]: 'realized',
      });
      span.setAttributes({ [A.ATTR_TRADING_DECISION_ACTION]: 'buy', [A.ATTR_TRADING_DECISION_CONFIDENCE]: 0.7 });
      span.end();
      return { action: 'buy' };
    },
  );
}

/** The same bot code without any SDK: what a decision costs before tracing. */
async function bareDecision(i: number): Promise<unknown> {
  const decide = async () => {
    await respond();
    return { action: 'buy' as const, confidence: 0.7, price: 142.5 + (i % 7) };
  };
  return decide();
}

if (process.argv[1] === THIS_FILE && process.argv[2] === CHILD_FLAG) {
  const side = process.argv[3] as Side;
  if (!SIDES.includes(side)) throw new Error(`unknown side ${side}`);
  await runSide(side, Number(process.argv[4]), Number(process.argv[5]));
}
