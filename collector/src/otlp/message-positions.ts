/**
 * Where the occurrences of a repeated message field are in a request body: `[start, end)` pairs in a typed array grown
 * by doubling, reused from message to message. Eight bytes an occurrence, where a JavaScript array of numbers took
 * about 28 and an object per occurrence several times that: a body of 20 MiB of empty events (two bytes each) held
 * 1.5 GB of heap. Positions fit 32 bits: the collector's body limit is at most 1 GiB.
 */
export class MessagePositions {
  private pairs = new Uint32Array(16);
  /** Occurrences held. */
  length = 0;

  push(start: number, end: number): void {
    if (2 * this.length + 2 > this.pairs.length) {
      const grown = new Uint32Array(this.pairs.length * 2);
      grown.set(this.pairs);
      this.pairs = grown;
    }
    this.pairs[2 * this.length] = start;
    this.pairs[2 * this.length + 1] = end;
    this.length += 1;
  }

  start(i: number): number {
    return this.pairs[2 * i]!;
  }

  end(i: number): number {
    return this.pairs[2 * i + 1]!;
  }

  clear(): void {
    this.length = 0;
  }
}
