import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['sdk', 'storage', 'collector', 'adapters', 'analytics', 'cli'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('docs/errors.md', () => {
  it('lists every error code the packages raise', () => {
    const codes = new Set(
      PACKAGES.flatMap((p) =>
        sourceFiles(join(ROOT, p, 'src')).flatMap((file) =>
          [...readFileSync(file, 'utf8').matchAll(/'(TT_[A-Z_]+)'/g)].map((m) => m[1]!),
        ),
      ),
    );
    expect(codes.size).toBeGreaterThan(10);
    const catalog = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
    expect([...codes].filter((code) => !catalog.includes(`\`${code}\``))).toEqual([]);
  });
});
