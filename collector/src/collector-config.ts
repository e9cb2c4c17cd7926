import { readFileSync } from 'node:fs';
import { z } from 'zod';

const MiB = 1024 * 1024;

/** Collector configuration, validated once at start-up; every field has a documented default (docs/collector.md). */
export const CollectorConfigSchema = z
  .object({
    /** Interface to listen on. Loopback unless told otherwise. */
    host: z.string().min(1).default('127.0.0.1'),
    /** OTLP/HTTP port. 0 picks a free one. */
    port: z.coerce.number().int().min(0).max(65535).default(4318),
    /** Folder of the embedded engine, the spool (`spool/`) and the dead letters (`dead-letter/`). */
    dataPath: z.string().min(1).default('./data'),
    /** ClickHouse server URL; when set, the embedded engine is not used. */
    clickhouseUrl: z.url().optional(),
    clickhouseUser: z.string().optional(),
    clickhousePassword: z.string().optional(),
    /** Database for every table. */
    database: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
      .default('otel'),
    /** Bearer tokens, comma-separated (`TOKEN`, `read:TOKEN`, `TOKEN@service:NAME`, `TOKEN@bot:ID`). */
    authTokens: z.string().optional(),
    /** File of bearer tokens, one entry per line. */
    authTokensFile: z.string().min(1).optional(),
    /** Largest request body, compressed and decompressed alike (at most 1 GiB: the protobuf reader's positions are 32-bit). */
    bodyLimitBytes: z.coerce
      .number()
      .int()
      .positive()
      .max(1024 * MiB)
      .default(20 * MiB),
    /** Spans (or log records) per request. */
    maxItemsPerRequest: z.coerce.number().int().positive().default(100_000),
    /** Attributes kept per span, event or log record. */
    maxAttributesPerItem: z.coerce.number().int().positive().default(256),
    /** Longest attribute value kept, in characters (prompts and completions can be long). */
    maxAttributeValueLength: z.coerce
      .number()
      .int()
      .positive()
      .default(1 * MiB),
    /** Longest span, event or service name kept, in characters (they are LowCardinality key columns in ClickHouse). */
    maxNameLength: z.coerce.number().int().positive().default(1024),
    /**
     * Objects and arrays in one OTLP/JSON body, checked before it is parsed. Default: one per JSON_BYTES_PER_CONTAINER
     * bytes of `bodyLimitBytes`, so it follows the body limit.
     */
    maxJsonContainersPerRequest: z.coerce.number().int().positive().optional(),
    /** Requests processed at once; more are answered 429 before their body is read. */
    maxConcurrentRequests: z.coerce.number().int().positive().default(64),
    /** Disk budget of the write-ahead spool; past it requests get 503 + Retry-After. */
    spoolMaxBytes: z.coerce
      .number()
      .int()
      .positive()
      .default(1024 * MiB),
    /**
     * Rows queued behind the INSERT in flight above which an answer also waits for ClickHouse: below it answers come
     * as soon as requests are spooled (just as durable), above it clients are slowed to ClickHouse's pace. 0: always
     * wait for the request's INSERT, so clients read what they just sent.
     */
    ackWaitBacklogRows: z.coerce.number().int().min(0).default(65_536),
    /** Longest such wait; 0 never waits for the INSERT. */
    ackWaitForInsertMs: z.coerce.number().int().min(0).default(2_000),
    /** Decoded rows kept in memory for the inserts; past this, spooled bodies are decoded again (bounds RSS). */
    maxMemoryRows: z.coerce.number().int().positive().default(200_000),
    /** Rows per INSERT at most. */
    maxBatchRows: z.coerce.number().int().positive().default(100_000),
    /** Rows waiting at which an INSERT starts at once; fewer wait up to `maxBatchDelayMs` for more. */
    minBatchRows: z.coerce.number().int().positive().default(65_536),
    /** Longest spooled rows wait for others to join their INSERT (acknowledgements never wait for it); 0: no wait. */
    maxBatchDelayMs: z.coerce.number().int().min(0).default(1_000),
    /** On SIGTERM, how long to keep inserting the spool before exiting (the rest is replayed at the next start). */
    shutdownTimeoutMs: z.coerce.number().int().min(0).default(10_000),
    /** How often the collector writes its own metrics into the `collector_metrics` table (health history); 0: never. */
    healthIntervalMs: z.coerce.number().int().min(0).default(15_000),
  })
  .strict();

/**
 * Bytes per JSON object or array that a body at the body limit may average, by default. Real telemetry spends about 30
 * on each (the OTLP specification's examples: 27-32); a body of empty objects, three.
 */
const JSON_BYTES_PER_CONTAINER = 10;

export type CollectorConfig = z.input<typeof CollectorConfigSchema>;
export type ResolvedCollectorConfig = z.output<typeof CollectorConfigSchema> & { maxJsonContainersPerRequest: number };

/** An invalid configuration; the message names each bad field and where it came from. */
export class CollectorConfigError extends Error {
  readonly code = 'TT_COLLECTOR_BAD_CONFIG';

  constructor(message: string) {
    super(message);
    this.name = 'CollectorConfigError';
  }
}

/** Parses a configuration, naming each bad field in the error. */
export function parseCollectorConfig(input: CollectorConfig): ResolvedCollectorConfig {
  const result = CollectorConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
    throw new CollectorConfigError(`invalid collector configuration: ${problems.join('; ')}`);
  }
  const { bodyLimitBytes, maxJsonContainersPerRequest } = result.data;
  return {
    ...result.data,
    maxJsonContainersPerRequest: maxJsonContainersPerRequest ?? Math.floor(bodyLimitBytes / JSON_BYTES_PER_CONTAINER),
  };
}

const ENV_PREFIX = 'TRADETRACE_';
/** The environment variable that sets a configuration field: `spoolMaxBytes` → `TRADETRACE_SPOOL_MAX_BYTES`. */
export const collectorConfigEnvName = (key: string): string =>
  ENV_PREFIX + key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/**
 * The configuration given by the environment: each field as `TRADETRACE_` + its name in upper snake case
 * (`TRADETRACE_AUTH_TOKENS`, `TRADETRACE_SPOOL_MAX_BYTES`, ...), plus `CLICKHOUSE_PASSWORD`. Blank counts as unset.
 */
export function collectorConfigFromEnvironment(env: NodeJS.ProcessEnv): Partial<CollectorConfig> {
  const config: Record<string, string> = {};
  for (const key of Object.keys(CollectorConfigSchema.shape)) {
    const value = env[collectorConfigEnvName(key)];
    if (value !== undefined && value.trim() !== '') config[key] = value.trim();
  }
  if (config.clickhousePassword === undefined && env.CLICKHOUSE_PASSWORD)
    config.clickhousePassword = env.CLICKHOUSE_PASSWORD;
  return config as Partial<CollectorConfig>;
}

/** Reads a JSON configuration file whose keys are the configuration's field names; unknown keys are refused. */
export function readCollectorConfigFile(path: string): Partial<CollectorConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CollectorConfigError(`cannot read the configuration file ${path}: ${(error as Error).message}`);
  }
  const result = CollectorConfigSchema.partial().safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new CollectorConfigError(`invalid configuration file ${path}: ${problems.join('; ')}`);
  }
  return parsed as Partial<CollectorConfig>;
}
