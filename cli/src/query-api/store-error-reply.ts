/**
 * The answer to a failed store request when it is the caller's mistake (a tradetrace code, e.g. an unknown version or
 * a bad filter): 400 `{ code, message }`, which the CLI prints as if it happened locally. Undefined for anything
 * else, which is the collector's fault and goes to its error handler.
 */
export function storeErrorAnswer(error: unknown): { code: string; message: string } | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^TT_(QUERY|ANALYTICS|ADAPTERS)_/.test(code))
    return { code, message: (error as Error).message };
  return undefined;
}
