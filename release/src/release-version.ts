/**
 * `npm run release:version -- VERSION`: sets VERSION on every public package and on the dependencies between
 * workspaces, the SDK's scope version, each changelog's `Unreleased` section, and the lockfile. Review, commit, tag;
 * RELEASING.md has the rest.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicWorkspaces, REPO_ROOT, workspaces } from './public-packages.ts';
import { bumpManifest, bumpSdkVersionSource, releaseChangelog, VersionSchema } from './version-bump.ts';

const version = VersionSchema.parse(process.argv[2]);
const date = new Date().toISOString().slice(0, 10);
const current = new Map(publicWorkspaces().map((w) => [w.manifest.name, w.manifest.version ?? '']));

const rewrite = (path: string, change: (text: string) => string) =>
  writeFileSync(path, change(readFileSync(path, 'utf8')));

for (const w of workspaces()) {
  rewrite(join(w.path, 'package.json'), (text) => {
    const manifest = JSON.parse(text) as { name: string };
    return `${JSON.stringify(bumpManifest(manifest, current, version), null, 2)}\n`;
  });
}
rewrite(join(REPO_ROOT, 'sdk', 'src', 'version.ts'), (text) => bumpSdkVersionSource(text, version));
for (const dir of ['', ...publicWorkspaces().map((w) => w.dir)]) {
  const changelog = join(REPO_ROOT, dir, 'CHANGELOG.md');
  if (existsSync(changelog)) rewrite(changelog, (text) => releaseChangelog(text, version, date));
}
execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], {
  cwd: REPO_ROOT,
  stdio: 'inherit',
});
process.stdout.write(`public packages at ${version}; changelogs have a ${version} (${date}) section\n`);
