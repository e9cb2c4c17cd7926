/** E_t = prod(1 + r_i), E_0 = 1; one point per return (E_0 excluded). */
export function equityCurve(returns: readonly number[]): number[] {
  const curve: number[] = [];
  let equity = 1;
  for (const r of returns) {
    equity *= 1 + r;
    curve.push(equity);
  }
  return curve;
}

/** E_t / max_{s≤t} E_s − 1 for every t, starting from the peak E_0 = 1. */
export function drawdownCurve(returns: readonly number[]): number[] {
  let peak = 1;
  return equityCurve(returns).map((equity) => {
    peak = Math.max(peak, equity);
    return equity / peak - 1;
  });
}

/** The deepest drawdown, a number ≤ 0 (0 without returns). */
export function maxDrawdown(returns: readonly number[]): number {
  let worst = 0;
  for (const drawdown of drawdownCurve(returns)) worst = Math.min(worst, drawdown);
  return worst;
}
