import { z } from 'zod';
import { LlmPriceTableSchema } from '../llm-prices/llm-price.ts';
import { TTL_TABLES } from './ttl-statements.ts';

const days = z.number().int('must be a whole number of days').positive('must be at least 1 day');

/** Options of `runMigrations`; validated once, defaults documented here. */
export const MigrationOptionsSchema = z
  .object({
    /**
     * ClickHouse cluster name (as in `remote_servers`). When given, every statement runs `ON CLUSTER`, tables use
     * Replicated* engines under `<name>_local`, and a Distributed table named `<name>` fronts each of them.
     * Default: none (one server or the embedded engine).
     */
    cluster: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier (letters, digits, underscore)')
      .optional(),
    /**
     * Retention. Default: none, nothing is ever deleted. `days` applies to every telemetry and trading table,
     * `tables` overrides it per table. A table left out keeps whatever TTL it has.
     */
    ttl: z
      .object({
        days: days.optional(),
        tables: z.partialRecord(z.enum(TTL_TABLES), days).optional(),
      })
      .strict()
      .optional(),
    /** Price overrides for LLM cost, on top of `DEFAULT_LLM_PRICES`. */
    llmPrices: LlmPriceTableSchema.optional(),
  })
  .strict();

export type MigrationOptions = z.input<typeof MigrationOptionsSchema>;
