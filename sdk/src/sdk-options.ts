import { z } from 'zod';

/** Options of `init()`. Environment variables fill what is not given (see `readSdkEnvironment`). */
export const SdkOptionsSchema = z.object({
  /** `service.name`: the bot. */
  serviceName: z.string().min(1),
  /** `service.version`: the bot's build. */
  serviceVersion: z.string().optional(),
  /** `trading.bot.id`: this running instance of the bot. */
  botId: z.string().optional(),
  /** `deployment.environment.name`. */
  environment: z.string().optional(),
  /** Collector base URL (the SDK posts to `${endpoint}/v1/traces`). No endpoint: the SDK is disabled. */
  endpoint: z.url().optional(),
  /** OTLP encoding. Default http/protobuf. */
  protocol: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  /** Extra HTTP headers, e.g. `{ authorization: 'Bearer ...' }`. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Spans kept in memory while the collector is slow or down; beyond it they are dropped and counted. Default 8192. */
  maxQueueSize: z.number().int().positive().default(8192),
  /** Spans per export request. Default 512. */
  maxExportBatchSize: z.number().int().positive().default(512),
  /** Delay between scheduled exports, ms. Default 1000. */
  scheduledDelayMillis: z.number().int().nonnegative().default(1000),
  /** Turns the SDK into no-ops. */
  disabled: z.boolean().default(false),
});

export type SdkOptions = z.input<typeof SdkOptionsSchema>;
export type ResolvedSdkOptions = z.output<typeof SdkOptionsSchema>;

/**
 * Reads the SDK's environment once, at `init()`: `TRADETRACE_DISABLED=1`, `TRADETRACE_ENDPOINT` (falling back to the
 * standard `OTEL_EXPORTER_OTLP_ENDPOINT`). Blank values count as unset.
 */
export function readSdkEnvironment(env: NodeJS.ProcessEnv = process.env): Partial<SdkOptions> {
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const out: Partial<SdkOptions> = {};
  const disabled = value('TRADETRACE_DISABLED');
  if (disabled !== undefined) out.disabled = ['1', 'true', 'yes'].includes(disabled.toLowerCase());
  const endpoint = value('TRADETRACE_ENDPOINT') ?? value('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (endpoint !== undefined) out.endpoint = endpoint;
  return out;
}
