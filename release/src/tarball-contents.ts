import { z } from 'zod';
import type { Manifest } from './public-packages.ts';

/** One package of `npm pack --json`: what the tarball holds. */
export const PackResultSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  filename: z.string(),
  files: z.array(z.looseObject({ path: z.string() })),
});
export type PackResult = z.infer<typeof PackResultSchema>;

/** The SDK runs inside bots: OpenTelemetry and zod only, never the engine, the collector or the storage layer. */
const SDK_DEPENDENCY = /^(@opentelemetry\/[a-z-]+|zod)$/;
export const SDK_NAME = '@tradetrace/sdk';

/**
 * What is wrong with a packed public package, as sentences (empty when nothing is): it ships JavaScript with its
 * types and source maps, what its `exports`/`bin` name, a README and the license, and no sources, tests or build
 * state.
 */
export function tarballProblems(pack: PackResult, manifest: Manifest): string[] {
  const problems: string[] = [];
  const files = new Set(pack.files.map((f) => f.path));
  const need = (path: string, why: string) => {
    if (!files.has(path)) problems.push(`${pack.name}: ${path} missing (${why})`);
  };
  for (const path of ['package.json', 'README.md', 'LICENSE']) need(path, 'every package has it');
  if (!manifest.engines?.node) problems.push(`${pack.name}: no engines.node`);
  for (const path of files) {
    if (/^(src|test)\//.test(path) || (path.endsWith('.ts') && !path.endsWith('.d.ts')))
      problems.push(`${pack.name}: ships ${path} (only the build runs)`);
    if (path.endsWith('.tsbuildinfo')) problems.push(`${pack.name}: ships ${path} (build state)`);
    if (path.startsWith('build/') && path.endsWith('.js')) {
      need(path.replace(/\.js$/, '.d.ts'), `types of ${path}`);
      need(`${path}.map`, `source map of ${path}`);
    }
  }
  for (const [entry, target] of Object.entries(manifest.exports ?? {})) {
    for (const path of typeof target === 'string' ? [target] : [target.types, target.default])
      need(path.replace(/^\.\//, ''), `exports["${entry}"]`);
  }
  for (const [command, path] of Object.entries(manifest.bin ?? {})) need(path.replace(/^\.\//, ''), `bin ${command}`);
  if (pack.name === SDK_NAME) {
    for (const dependency of Object.keys(manifest.dependencies ?? {}))
      if (!SDK_DEPENDENCY.test(dependency)) problems.push(`${pack.name}: depends on ${dependency}`);
    if (![...files].some((path) => path.endsWith('.js')))
      problems.push(`${pack.name}: no .js (the SDK must run from plain JavaScript)`);
  }
  return problems;
}
