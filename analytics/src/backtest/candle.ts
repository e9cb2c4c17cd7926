/** One OHLCV candle; `timestamp` is its open time in epoch milliseconds. */
export interface Candle {
  timestamp: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}
