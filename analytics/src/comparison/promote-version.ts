import type { Storage } from '@tradetrace/storage';
import { AnalyticsError } from '../analytics-error.ts';
import {
  getActiveVersion,
  recordActivation,
  showVersion,
  type RegistryActionInput,
} from '../registry/strategy-registry.ts';
import type { AuditEntry } from '../registry/strategy-version-record.ts';
import { compareVersions, type CompareOptions } from './compare-versions.ts';
import type { VersionComparison } from './version-comparison.ts';

export interface PromoteInput extends RegistryActionInput {
  version: string;
  /**
   * Promote even when the comparison does not say `promote B`, or when no version is active to compare against;
   * needs a `reason`, recorded in the audit trail with the verdict.
   */
  force?: boolean;
  comparison?: Omit<CompareOptions, 'strategyName' | 'a' | 'b'>;
}

export interface PromoteResult {
  entry: AuditEntry | null;
  /** Null when no version was active (nothing to compare against). */
  comparison: VersionComparison | null;
}

/**
 * Makes `version` active only when the evidence says it beats the active version, or when forced with a reason. With
 * no active version there is no evidence: it takes `force` (or `activateVersion`, which never claims any).
 */
export async function promoteVersion(storage: Storage, input: PromoteInput): Promise<PromoteResult> {
  if (input.force && !input.reason?.trim())
    throw new AnalyticsError(
      'TT_ANALYTICS_BAD_INPUT',
      'a forced promotion needs a reason for the audit trail: pass --reason "..." with --force',
    );
  const candidate = await showVersion(storage, input.strategyName, input.version);
  const active = await getActiveVersion(storage, input.strategyName);
  if (!active) {
    if (!input.force)
      throw new AnalyticsError(
        'TT_ANALYTICS_PROMOTION_WITHOUT_EVIDENCE',
        `not promoting ${candidate.version}: ${input.strategyName} has no active version to compare it with; activate one (versions activate) or pass --force --reason "..."`,
      );
    const entry = await recordActivation(
      storage,
      {
        ...input,
        version: candidate.version,
        reason: joinReasons(input.reason, 'forced: no active version to compare against'),
      },
      'promote',
    );
    return { entry, comparison: null };
  }
  const comparison = await compareVersions(storage, {
    ...input.comparison,
    strategyName: input.strategyName,
    a: active.version,
    b: candidate.version,
  });
  if (comparison.verdict !== 'promote B' && !input.force) {
    throw new AnalyticsError(
      'TT_ANALYTICS_PROMOTION_WITHOUT_EVIDENCE',
      `not promoting ${candidate.version} over active ${active.version}: verdict "${comparison.verdict}" (${comparison.reasons.at(-1)}); gather more trades or pass --force`,
    );
  }
  const verdictNote = `verdict "${comparison.verdict}"${input.force && comparison.verdict !== 'promote B' ? ' (forced)' : ''}: ${comparison.reasons.at(-1)}`;
  const entry = await recordActivation(
    storage,
    { ...input, version: candidate.version, reason: joinReasons(input.reason, verdictNote) },
    'promote',
  );
  return { entry, comparison };
}

function joinReasons(userReason: string | undefined, note: string): string {
  return userReason ? `${userReason}; ${note}` : note;
}
