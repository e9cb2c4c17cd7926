import { fileURLToPath } from 'node:url';

/** The monorepo's root folder (faults/src/ is two levels below it). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Node 22 from the `node` devDependency: the system `node` may be older. */
export const NODE_BIN = `${REPO_ROOT}node_modules/.bin/node`;
