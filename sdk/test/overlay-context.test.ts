import { createContextKey, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { withValue } from '../src/overlay-context.ts';

const keys = Array.from({ length: 20 }, (_, i) => createContextKey(`overlay-test-${i}`));

/** The same operations on OTel's own context, the reference. */
function bothWays(steps: (ctx: Context, overlay: boolean) => Context): [Context, Context] {
  return [steps(ROOT_CONTEXT, false), steps(ROOT_CONTEXT, true)];
}

describe('overlay context', () => {
  it('answers every key like OTel context after sets and deletes, deeper than the folding depth', () => {
    const [reference, overlaid] = bothWays((start, overlay) => {
      let ctx = start.setValue(keys[0]!, 'base');
      ctx = overlay ? withValue(ctx, keys[1]!, 'one') : ctx.setValue(keys[1]!, 'one');
      for (let i = 0; i < 30; i++) {
        const key = keys[(i * 7) % keys.length]!;
        ctx = i % 5 === 4 ? ctx.deleteValue(key) : ctx.setValue(key, i);
      }
      return ctx;
    });
    for (const key of keys) expect(overlaid.getValue(key)).toBe(reference.getValue(key));
  });

  it('leaves the context it was made from unchanged', () => {
    const parent = ROOT_CONTEXT.setValue(keys[0]!, 'parent');
    const child = withValue(parent, keys[0]!, 'child');
    const grandchild = child.deleteValue(keys[0]!);
    expect(parent.getValue(keys[0]!)).toBe('parent');
    expect(child.getValue(keys[0]!)).toBe('child');
    expect(grandchild.getValue(keys[0]!)).toBeUndefined();
  });

  it('carries spans for the OTel API', () => {
    const span = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
    const ctx = trace.setSpan(withValue(ROOT_CONTEXT, keys[0]!, 'x'), span);
    expect(trace.getSpan(ctx)).toBe(span);
    expect(trace.getSpan(trace.deleteSpan(ctx))).toBeUndefined();
    expect(ctx.getValue(keys[0]!)).toBe('x');
  });
});
