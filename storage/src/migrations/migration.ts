/** What a migration needs to know to write its DDL. */
export interface MigrationContext {
  /** Quoted `database.table`. */
  table(name: string): string;
  /** True in cluster mode: tables use Replicated* engines, which deduplicate inserts on their own. */
  readonly replicated: boolean;
}

/**
 * One versioned schema step. Every statement must be idempotent (`IF NOT EXISTS` ...), so a process that dies
 * half-way through a migration simply runs it again.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  statements(context: MigrationContext): string[];
}
