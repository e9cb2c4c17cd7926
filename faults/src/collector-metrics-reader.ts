/** Headers for /metrics: a read token when the collector has auth on. */
export type MetricsHeaders = Record<string, string>;

/** Reads a collector's Prometheus /metrics and sums one metric's samples (every label set), optionally filtered by labels. */
export async function readMetric(
  url: string,
  name: string,
  labels: Record<string, string> = {},
  headers: MetricsHeaders = {},
): Promise<number> {
  const response = await fetch(`${url}/metrics`, { headers });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`)))
      sum += Number(match[3]);
  }
  return sum;
}

/** Polls until the collector's spool is empty (every acknowledged request is in ClickHouse); false on timeout. */
export async function waitForEmptySpool(
  url: string,
  timeoutMs: number,
  headers: MetricsHeaders = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await readMetric(url, 'tradetrace_collector_spool_records', {}, headers)) === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
