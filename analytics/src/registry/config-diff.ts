/** One field that differs between two configs; `path` is dotted (`risk.max_leverage`, `symbols.2`). */
export interface ConfigChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Field-by-field differences from `from` to `to`, recursing into objects and arrays, sorted by path. */
export function diffConfigs(from: unknown, to: unknown, path = ''): ConfigChange[] {
  const bothObjects = isPlainObject(from) && isPlainObject(to);
  const bothArrays = Array.isArray(from) && Array.isArray(to);
  if (!bothObjects && !bothArrays) {
    return Object.is(from, to) || JSON.stringify(from) === JSON.stringify(to)
      ? []
      : [{ path: path || '(root)', kind: 'changed', from, to }];
  }
  const a = from as Record<string, unknown>;
  const b = to as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const changes: ConfigChange[] = [];
  for (const key of keys) {
    const child = path ? `${path}.${key}` : key;
    if (!(key in b)) changes.push({ path: child, kind: 'removed', from: a[key] });
    else if (!(key in a)) changes.push({ path: child, kind: 'added', to: b[key] });
    else changes.push(...diffConfigs(a[key], b[key], child));
  }
  return changes;
}
