import { describe, expect, it } from 'vitest';
import { bumpManifest, bumpSdkVersionSource, releaseChangelog, VersionSchema } from '../src/version-bump.ts';

const current = new Map([
  ['@tradetrace/sdk', '0.1.0'],
  ['@tradetrace/storage', '0.1.0'],
]);

describe('bumpManifest', () => {
  it('sets the version of a public package and its exact pins on other public packages, in key order', () => {
    const manifest = {
      name: '@tradetrace/sdk',
      version: '0.1.0',
      dependencies: { '@tradetrace/storage': '0.1.0', zod: '^4.6.7' },
    };
    const bumped = bumpManifest(manifest, current, '0.2.0');
    expect(bumped).toEqual({
      name: '@tradetrace/sdk',
      version: '0.2.0',
      dependencies: { '@tradetrace/storage': '0.2.0', zod: '^4.6.7' },
    });
    expect(Object.keys(bumped)).toEqual(Object.keys(manifest));
  });

  it('leaves a private workspace its version and its ranges, and bumps its exact pins', () => {
    const manifest = {
      name: '@tradetrace/bench',
      version: '0.1.0',
      private: true,
      dependencies: { '@tradetrace/sdk': '*' },
      devDependencies: { '@tradetrace/storage': '0.1.0', '0.1.0-lookalike': '0.1.0' },
    };
    expect(bumpManifest(manifest, current, '0.2.0')).toEqual({
      ...manifest,
      devDependencies: { '@tradetrace/storage': '0.2.0', '0.1.0-lookalike': '0.1.0' },
    });
  });
});

describe('releaseChangelog', () => {
  it("turns the Unreleased entries into the release's section under a new empty Unreleased", () => {
    const text = '# Changelog\n\n## Unreleased\n\n- a change\n\n## 0.1.0 (2026-01-01)\n\n- first\n';
    expect(releaseChangelog(text, '0.2.0', '2026-12-07')).toBe(
      '# Changelog\n\n## Unreleased\n\n## 0.2.0 (2026-12-07)\n\n- a change\n\n## 0.1.0 (2026-01-01)\n\n- first\n',
    );
  });

  it('refuses a changelog without an Unreleased section', () => {
    expect(() => releaseChangelog('# Changelog\n', '0.2.0', '2026-12-07')).toThrow('no "## Unreleased" section');
  });
});

describe('bumpSdkVersionSource', () => {
  it('sets SDK_VERSION', () => {
    expect(bumpSdkVersionSource("/** x */\nexport const SDK_VERSION = '0.1.0';\n", '1.0.0-rc.1')).toBe(
      "/** x */\nexport const SDK_VERSION = '1.0.0-rc.1';\n",
    );
  });
});

describe('VersionSchema', () => {
  it('takes MAJOR.MINOR.PATCH with an optional prerelease and names what is wrong otherwise', () => {
    expect(VersionSchema.parse('0.2.0')).toBe('0.2.0');
    expect(VersionSchema.parse('1.0.0-rc.1')).toBe('1.0.0-rc.1');
    expect(() => VersionSchema.parse('v0.2')).toThrow('a version is MAJOR.MINOR.PATCH');
  });
});
