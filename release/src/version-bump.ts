import { z } from 'zod';

export const VersionSchema = z
  .string()
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'a version is MAJOR.MINOR.PATCH, optionally -PRERELEASE (e.g. 0.2.0)');

type Manifest = Record<string, unknown> & { name: string; version?: string };

/**
 * One workspace manifest at the release `version`: a public package takes the version, and every dependency on a
 * public package that names its current version exactly names the new one (ranges such as `*` stay). Key order kept.
 */
export function bumpManifest<M extends Manifest>(
  manifest: M,
  currentVersions: ReadonlyMap<string, string>,
  version: string,
): M {
  const bumped: Record<string, unknown> = { ...manifest };
  if (currentVersions.has(manifest.name)) bumped.version = version;
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = manifest[field];
    if (typeof deps !== 'object' || deps === null) continue;
    bumped[field] = Object.fromEntries(
      Object.entries(deps as Record<string, string>).map(([name, spec]) => [
        name,
        currentVersions.get(name) === spec ? version : spec,
      ]),
    );
  }
  return bumped as M;
}

/** The changelog's `## Unreleased` entries become the release's section; an empty `Unreleased` stays on top. */
export function releaseChangelog(text: string, version: string, date: string): string {
  const heading = /^## Unreleased[^\n]*$/m;
  if (!heading.test(text)) throw new Error('no "## Unreleased" section');
  return text.replace(heading, `## Unreleased\n\n## ${version} (${date})`);
}

/** sdk/src/version.ts with `SDK_VERSION` at the release version (the spans' instrumentation scope version). */
export function bumpSdkVersionSource(text: string, version: string): string {
  const line = /export const SDK_VERSION = '[^']*';/;
  if (!line.test(text)) throw new Error('no SDK_VERSION constant');
  return text.replace(line, `export const SDK_VERSION = '${version}';`);
}
