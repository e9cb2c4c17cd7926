import { createHash } from 'node:crypto';

/** A strategy version as every span carries it. */
export interface StrategyRef {
  name: string;
  version: string;
}

/** JSON with object keys sorted at every level, so equal configs serialize to equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
    return sorted;
  });
}

/** Content hash of a config: the same config always has the same version id (12 hex digits of SHA-256). */
export function strategyVersionId(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}
