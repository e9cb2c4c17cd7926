/** The backtest's time: it moves only when the replay moves to the next candle, never with the wall clock. */
export class SimulatedClock {
  private current: number;

  constructor(start: number) {
    this.current = start;
  }

  /** Epoch milliseconds of the candle being replayed. */
  now(): number {
    return this.current;
  }

  advanceTo(timestamp: number): void {
    if (timestamp < this.current)
      throw new RangeError(`simulated time cannot go back from ${this.current} to ${timestamp}`);
    this.current = timestamp;
  }
}
