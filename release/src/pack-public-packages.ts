import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { publicWorkspaces, REPO_ROOT } from './public-packages.ts';
import { type PackResult, PackResultSchema, tarballProblems } from './tarball-contents.ts';

/**
 * `npm pack` of every public package into `destination` (each package's `prepack` builds it first, so a tarball
 * never holds a stale build). Throws, listing every problem, when a tarball's contents are wrong.
 */
export function packPublicPackages(destination: string, env: NodeJS.ProcessEnv = process.env): PackResult[] {
  const packages = publicWorkspaces();
  const args = [
    'pack',
    ...packages.flatMap((p) => ['--workspace', p.dir]),
    '--pack-destination',
    destination,
    '--json',
  ];
  const output = execFileSync('npm', args, { cwd: REPO_ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const results = z.array(PackResultSchema).parse(JSON.parse(output));
  const problems = results.flatMap((result) => {
    const workspace = packages.find((p) => p.manifest.name === result.name);
    return workspace ? tarballProblems(result, workspace.manifest) : [`unexpected package ${result.name}`];
  });
  if (results.length !== packages.length) problems.push(`packed ${results.length} of ${packages.length} packages`);
  if (problems.length > 0) throw new Error(`tarball contents:\n  ${problems.join('\n  ')}`);
  return results;
}

export const tarballPaths = (destination: string, results: PackResult[]) =>
  results.map((r) => join(destination, r.filename));
