/**
 * `npm run pack -- DIR`: builds and packs every public package into DIR (default ./tarballs), checks what each
 * tarball holds, and prints the `npm install` line for a bot's project.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { packPublicPackages, tarballPaths } from './pack-public-packages.ts';

const destination = resolve(
  z
    .string()
    .min(1, 'usage: npm run pack -- [DIR]')
    .parse(process.argv[2] ?? 'tarballs'),
);
mkdirSync(destination, { recursive: true });
const paths = tarballPaths(destination, packPublicPackages(destination));
process.stdout.write(`${paths.join('\n')}\n\nin the bot's project:\n  npm install ${paths.join(' ')}\n`);
