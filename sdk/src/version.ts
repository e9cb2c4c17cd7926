/** Instrumentation scope version of the spans this SDK makes (kept equal to sdk/package.json by a test). */
export const SDK_VERSION = '0.1.0';
export const SDK_SCOPE_NAME = '@tradetrace/sdk';
