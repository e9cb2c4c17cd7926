import { z } from 'zod';

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier (letters, digits, underscore)');

/**
 * Where the data lives: an embedded chDB folder (`dataPath`, the default) or a ClickHouse server (`url`).
 */
export const StorageOptionsSchema = z
  .object({
    /** Folder of the embedded engine. Used when `url` is not given. */
    dataPath: z.string().min(1).optional(),
    /** ClickHouse server HTTP(S) URL, e.g. http://localhost:8123. */
    url: z.url().optional(),
    /** Database holding every tradetrace table. */
    database: identifier.default('otel'),
    username: z.string().optional(),
    password: z.string().optional(),
  })
  .refine((o) => (o.dataPath === undefined) !== (o.url === undefined), {
    message: 'give exactly one of dataPath (embedded engine) or url (ClickHouse server)',
  });

export type StorageOptions = z.input<typeof StorageOptionsSchema>;
export type ResolvedStorageOptions = z.output<typeof StorageOptionsSchema>;
