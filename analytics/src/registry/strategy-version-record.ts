/** An immutable strategy version: `version` is the content hash of `config` (the SDK's `strategyVersionId`). */
export interface StrategyVersionRecord {
  strategyName: string;
  version: string;
  parentVersion: string | null;
  config: unknown;
  /**
   * True when the bot redacted secrets from the config before sending it: `version` is still the hash of the full
   * config the bot ran, so the stored config does not hash to it.
   */
  configRedacted: boolean;
  note: string;
  author: string;
  /** ISO 8601. */
  createdAt: string;
}

export const AUDIT_ACTIONS = ['add', 'activate', 'promote', 'rollback'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One row of the append-only audit trail. */
export interface AuditEntry {
  /** ISO 8601, microseconds; strictly increasing per strategy. */
  at: string;
  strategyName: string;
  action: AuditAction;
  version: string;
  /** The version active before this entry (activation, promotion, rollback), null when none. */
  previousVersion: string | null;
  actor: string;
  reason: string;
}

/** What a bot runs: the active version of a strategy. */
export interface ActiveVersion {
  strategyName: string;
  version: string;
  config: unknown;
  /** The entry that made it active. */
  activatedBy: AuditEntry;
}
