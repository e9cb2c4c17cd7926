import { describe, expect, it } from 'vitest';
import type { Manifest } from '../src/public-packages.ts';
import { type PackResult, tarballProblems } from '../src/tarball-contents.ts';

const sdkManifest: Manifest = {
  name: '@tradetrace/sdk',
  version: '0.1.0',
  engines: { node: '>=22.15' },
  exports: {
    '.': { 'tradetrace-source': './src/index.ts', types: './build/index.d.ts', default: './build/index.js' },
    './package.json': './package.json',
  },
  dependencies: { '@opentelemetry/api': '~1.10.0', '@opentelemetry/sdk-trace': '3.1.0', zod: '^4.6.7' },
};
const packOf = (name: string, paths: string[]): PackResult => ({
  name,
  version: '0.1.0',
  filename: 'x.tgz',
  files: paths.map((path) => ({ path })),
});
const SDK_FILES = ['package.json', 'README.md', 'LICENSE', 'build/index.js', 'build/index.d.ts', 'build/index.js.map'];

describe('tarballProblems', () => {
  it('accepts JavaScript with its types and source maps, a README and the license', () => {
    expect(tarballProblems(packOf('@tradetrace/sdk', SDK_FILES), sdkManifest)).toEqual([]);
  });

  it('names TypeScript sources, tests and build state in the tarball', () => {
    const files = [...SDK_FILES, 'src/index.ts', 'test/sdk.test.ts', 'build/tsconfig.build.tsbuildinfo'];
    expect(tarballProblems(packOf('@tradetrace/sdk', files), sdkManifest)).toEqual([
      '@tradetrace/sdk: ships src/index.ts (only the build runs)',
      '@tradetrace/sdk: ships test/sdk.test.ts (only the build runs)',
      '@tradetrace/sdk: ships build/tsconfig.build.tsbuildinfo (build state)',
    ]);
  });

  it('names a .js without its .d.ts or source map, and a missing export target', () => {
    const files = ['package.json', 'README.md', 'LICENSE', 'build/index.js', 'build/other.js', 'build/other.d.ts'];
    expect(tarballProblems(packOf('@tradetrace/sdk', files), sdkManifest)).toEqual([
      '@tradetrace/sdk: build/index.d.ts missing (types of build/index.js)',
      '@tradetrace/sdk: build/index.js.map missing (source map of build/index.js)',
      '@tradetrace/sdk: build/other.js.map missing (source map of build/other.js)',
      '@tradetrace/sdk: build/index.d.ts missing (exports["."])',
    ]);
  });

  it('refuses an SDK that would bring the engine, the storage layer or any other dependency', () => {
    const manifest = {
      ...sdkManifest,
      dependencies: { ...sdkManifest.dependencies, chdb: '^3.4.0', '@tradetrace/storage': '0.1.0' },
    };
    expect(tarballProblems(packOf('@tradetrace/sdk', SDK_FILES), manifest)).toEqual([
      '@tradetrace/sdk: depends on chdb',
      '@tradetrace/sdk: depends on @tradetrace/storage',
    ]);
  });

  it('asks for README, LICENSE, engines and the bin file of every package', () => {
    const cli: Manifest = { name: 'tradetrace', version: '0.1.0', bin: { tradetrace: 'bin/tradetrace.js' } };
    expect(tarballProblems(packOf('tradetrace', ['package.json']), cli)).toEqual([
      'tradetrace: README.md missing (every package has it)',
      'tradetrace: LICENSE missing (every package has it)',
      'tradetrace: no engines.node',
      'tradetrace: bin/tradetrace.js missing (bin tradetrace)',
    ]);
  });
});
