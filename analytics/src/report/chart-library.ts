import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Chart.js's self-contained UMD build, read from the installed package so the report embeds it and works offline.
 * The file is not in the package's `exports`, so it is found beside the resolved entry point.
 */
export function readChartJsBundle(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
}
