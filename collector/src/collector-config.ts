import { z } from 'zod';

/** Collector configuration, validated once at start-up; every field has a documented default. */
export const CollectorConfigSchema = z
  .object({
    /** Interface to listen on. Loopback unless told otherwise. */
    host: z.string().min(1).default('127.0.0.1'),
    /** OTLP/HTTP port. 0 picks a free one. */
    port: z.coerce.number().int().min(0).max(65535).default(4318),
    /** Folder of the embedded engine (ignored with clickhouseUrl). */
    dataPath: z.string().min(1).default('./data'),
    /** ClickHouse server URL; when set, the embedded engine is not used. */
    clickhouseUrl: z.url().optional(),
    clickhouseUser: z.string().optional(),
    clickhousePassword: z.string().optional(),
    /** Database for every table. */
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier').default('otel'),
    /** Largest request body, compressed or not. */
    bodyLimitBytes: z.coerce.number().int().positive().default(20 * 1024 * 1024),
  })
  .strict();

export type CollectorConfig = z.input<typeof CollectorConfigSchema>;
export type ResolvedCollectorConfig = z.output<typeof CollectorConfigSchema>;

/** Parses a configuration, naming each bad field in the error. */
export function parseCollectorConfig(input: CollectorConfig): ResolvedCollectorConfig {
  const result = CollectorConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
    throw new Error(`invalid collector configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
