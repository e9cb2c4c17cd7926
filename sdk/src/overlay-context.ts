import type { Context } from '@opentelemetry/api';

const DELETED = Symbol('tradetrace.deleted');
/** Longest chain of overlays before they are folded into an ordinary context (keeps `getValue` short). */
const MAX_DEPTH = 8;

/**
 * An OTel context that is its parent plus one value. OTel's own context copies its whole Map (and makes three
 * closures) on every `setValue`; entering a decision sets two values and its LLM call one more, so the SDK sets them
 * as overlays: one small object each. Any `setValue` or `deleteValue` on an overlay gives another overlay, and a
 * chain deeper than MAX_DEPTH is folded back into the parent's kind of context, so lookups stay short.
 */
class OverlayContext implements Context {
  private readonly parent: Context;
  private readonly key: symbol;
  private readonly value: unknown;
  private readonly depth: number;

  constructor(parent: Context, key: symbol, value: unknown, depth: number) {
    this.parent = parent;
    this.key = key;
    this.value = value;
    this.depth = depth;
  }

  getValue(key: symbol): unknown {
    let ctx: Context = this;
    while (ctx instanceof OverlayContext) {
      if (ctx.key === key) return ctx.value === DELETED ? undefined : ctx.value;
      ctx = ctx.parent;
    }
    return ctx.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.depth < MAX_DEPTH
      ? new OverlayContext(this, key, value, this.depth + 1)
      : this.folded().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.depth < MAX_DEPTH
      ? new OverlayContext(this, key, DELETED, this.depth + 1)
      : this.folded().deleteValue(key);
  }

  /** The same values in the context kind under the overlays (applied oldest first). */
  private folded(): Context {
    const chain: OverlayContext[] = [];
    let ctx: Context = this;
    while (ctx instanceof OverlayContext) {
      chain.push(ctx);
      ctx = ctx.parent;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const overlay = chain[i]!;
      ctx = overlay.value === DELETED ? ctx.deleteValue(overlay.key) : ctx.setValue(overlay.key, overlay.value);
    }
    return ctx;
  }
}

/** `ctx.setValue(key, value)` without copying `ctx`. */
export function withValue(ctx: Context, key: symbol, value: unknown): Context {
  return ctx instanceof OverlayContext ? ctx.setValue(key, value) : new OverlayContext(ctx, key, value, 1);
}
