import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import type { TradeTraceHooks } from './hooks.ts';
import type { LlmGateway } from './llm/llm-gateway.ts';
import type { SdkLogger } from './safety/sdk-logger.ts';
import type { RewardFunction } from './trading/reward-functions.ts';

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** Options of `init()`. Environment variables fill or override some of them (see `readSdkEnvironment`). */
export const SdkOptionsSchema = z.object({
  /** `service.name`: the bot. */
  serviceName: z.string().min(1),
  /** `service.version`: the bot's build. */
  serviceVersion: z.string().optional(),
  /** `trading.bot.id`: this running instance of the bot. */
  botId: z.string().optional(),
  /** `deployment.environment.name`, e.g. `production`, `paper`. */
  environment: z.string().optional(),
  /** More resource attributes (`host.name`, `cloud.region`, ...). */
  resourceAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Collector base URL (the SDK posts to `${endpoint}/v1/traces`). No endpoint and no exporter: the SDK is disabled. */
  endpoint: z.url().optional(),
  /** OTLP encoding. Default `http/protobuf`. */
  protocol: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  /** Extra HTTP headers, e.g. `{ authorization: 'Bearer ...' }`. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Send spans to this exporter instead of OTLP (tests, benchmarks, other backends). Enables the SDK without an endpoint. */
  exporter: z
    .custom<SpanExporter>(
      (v) => isObject(v) && typeof (v as SpanExporter).export === 'function',
      'an OpenTelemetry SpanExporter',
    )
    .optional(),
  /**
   * For an app that already runs an OpenTelemetry SDK (`@opentelemetry/sdk-node`'s NodeSDK, or its own provider):
   * the SDK builds no tracer provider of its own. It hands its span processors out as `spanProcessors`, for the app
   * to pass when it builds its provider, and makes its spans with the globally registered provider, so decisions
   * and the app's auto-instrumented spans share one pipeline. Default false.
   */
  useGlobalProvider: z.boolean().default(false),
  /** Spans kept in memory while the collector is slow or down; beyond it they are dropped and counted. Default 8192. */
  maxQueueSize: z.number().int().positive().default(8192),
  /** Spans per export request. Default 512. */
  maxExportBatchSize: z.number().int().positive().default(512),
  /** Longest wait before a partly filled batch is sent, ms. Default 1000. */
  scheduledDelayMillis: z.number().int().nonnegative().default(1000),
  /** An export that has not answered by then counts as failed, ms. Default 10000. */
  exportTimeoutMillis: z.number().int().positive().default(10_000),
  /** Longest `shutdown()` waits for the last spans to go out, ms. Default 5000. */
  shutdownTimeoutMillis: z.number().int().nonnegative().default(5000),
  /** Flush and shut down by itself when the process is about to exit (`beforeExit`). Default true. */
  shutdownOnExit: z.boolean().default(true),
  /** Record prompts and responses of LLM calls (`gen_ai.input.messages`, ...). Default true: the optimizer learns from them. */
  captureMessages: z.boolean().default(true),
  /**
   * Streamed OpenAI-compatible calls report token usage only when asked: the SDK adds `stream_options.include_usage`
   * to streamed requests that do not set it, and hides the extra usage chunk from the caller. Default true.
   */
  streamUsage: z.boolean().default(true),
  /**
   * Between the bot's traced LLM calls (`traceLlmCall`, instrumented clients) and the provider: may answer a call
   * from a cache or refuse it (`LlmGateway`). The backtest harness sets it for a search's LLM budget and cache.
   */
  llmGateway: z
    .custom<LlmGateway>(
      (v) =>
        isObject(v) && typeof (v as LlmGateway).before === 'function' && typeof (v as LlmGateway).after === 'function',
      'an LlmGateway with before() and after()',
    )
    .optional(),
  /** Secret scrubbing before export. On by default. */
  redaction: z
    .object({
      enabled: z.boolean().default(true),
      patterns: z.array(z.instanceof(RegExp)).default([]),
      values: z.array(z.string()).default([]),
      keys: z.array(z.union([z.string(), z.instanceof(RegExp)])).default([]),
    })
    .default({ enabled: true, patterns: [], values: [], keys: [] }),
  /** Lifecycle callbacks (more can be added later with `addHooks`). */
  hooks: z.custom<TradeTraceHooks>((v) => isObject(v), 'an object of hook functions').optional(),
  /** Reward functions applied to every position close (more with `addRewardFunction`). */
  rewards: z
    .array(
      z.custom<RewardFunction>(
        (v) => isObject(v) && typeof (v as RewardFunction).compute === 'function',
        'a RewardFunction',
      ),
    )
    .default([]),
  /** Where the SDK reports its own trouble. Default: one `[tradetrace]` line on stderr. */
  logger: z
    .custom<SdkLogger>(
      (v) => isObject(v) && typeof (v as SdkLogger).warn === 'function' && typeof (v as SdkLogger).error === 'function',
      'a logger with warn() and error()',
    )
    .optional(),
  /** The same problem is reported at most once per this interval, ms. Default 30000. */
  warningIntervalMillis: z.number().int().nonnegative().default(30_000),
  /** Decisions (and orders) remembered so later rewards and closes can link to them. Default 10000. */
  maxRememberedDecisions: z.number().int().positive().default(10_000),
  /** Turns the SDK into no-ops. */
  disabled: z.boolean().default(false),
});

export type SdkOptions = z.input<typeof SdkOptionsSchema>;
export type ResolvedSdkOptions = z.output<typeof SdkOptionsSchema>;

const TRUE = ['1', 'true', 'yes', 'on'];

/**
 * Reads the SDK's environment once, at `init()`; what is set here wins over the options in code, so operators can
 * act without a code change:
 * - `TRADETRACE_DISABLED=1`: everything becomes a no-op;
 * - `TRADETRACE_ENDPOINT` (falling back to the standard `OTEL_EXPORTER_OTLP_ENDPOINT`): the collector;
 * - `TRADETRACE_CAPTURE_MESSAGES=0`: no prompts or responses in spans;
 * - `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_EXPORTER_OTLP_TRACES_HEADERS` (`key=value,…`, values URL-encoded): request
 *   headers such as the collector's token, as OpenTelemetry's exporters read them; `headers` in code win per header.
 * Blank values count as unset.
 */
export function readSdkEnvironment(env: NodeJS.ProcessEnv = process.env): Partial<SdkOptions> {
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const out: Partial<SdkOptions> = {};
  const disabled = value('TRADETRACE_DISABLED');
  if (disabled !== undefined) out.disabled = TRUE.includes(disabled.toLowerCase());
  const endpoint = value('TRADETRACE_ENDPOINT') ?? value('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (endpoint !== undefined) out.endpoint = endpoint;
  const capture = value('TRADETRACE_CAPTURE_MESSAGES');
  if (capture !== undefined) out.captureMessages = TRUE.includes(capture.toLowerCase());
  const headers = {
    ...parseKeyPairsIntoRecord(value('OTEL_EXPORTER_OTLP_HEADERS')),
    ...parseKeyPairsIntoRecord(value('OTEL_EXPORTER_OTLP_TRACES_HEADERS')),
  };
  if (Object.keys(headers).length > 0) out.headers = headers;
  return out;
}
