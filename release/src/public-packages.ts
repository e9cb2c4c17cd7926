import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The export condition that points every @tradetrace package at its TypeScript sources inside this repository. */
export const SOURCE_CONDITION = 'tradetrace-source';

const ExportTargetSchema = z.union([
  z.string(),
  z.object({ [SOURCE_CONDITION]: z.string(), types: z.string(), default: z.string() }).strict(),
]);

export const ManifestSchema = z.looseObject({
  name: z.string(),
  version: z.string().optional(),
  private: z.boolean().optional(),
  exports: z.record(z.string(), ExportTargetSchema).optional(),
  files: z.array(z.string()).optional(),
  bin: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
  engines: z.object({ node: z.string() }).optional(),
  workspaces: z.array(z.string()).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export interface Workspace {
  /** Folder name under the repository root. */
  dir: string;
  /** Absolute path of the folder. */
  path: string;
  manifest: Manifest;
}

export function readManifest(path: string): Manifest {
  return ManifestSchema.parse(JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')));
}

/** Every workspace of the root package.json, in its order (dependencies before dependents). */
export function workspaces(): Workspace[] {
  return (readManifest(REPO_ROOT).workspaces ?? []).map((dir) => {
    const path = join(REPO_ROOT, dir);
    return { dir, path, manifest: readManifest(path) };
  });
}

/** The workspaces a user installs: every one not marked private. */
export function publicWorkspaces(): Workspace[] {
  return workspaces().filter((w) => w.manifest.private !== true);
}
