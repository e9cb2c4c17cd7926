import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertSpanRows, type Storage } from '@tradetrace/storage';
import {
  allDecisionsCte,
  type CteSources,
  observationsCte,
  slowOwnersCte,
  slowStartsCte,
} from '../src/sql/decision-facts-ctes.ts';
import { decideSpan, hexId, rewardEvent, SECOND, span, T0 } from './support/span-builders.ts';
import { openTestStorage, truncateSpans } from './support/test-storage.ts';

describe('decision facts CTEs', () => {
  let storage: Storage;
  let sources: CteSources;
  beforeAll(async () => {
    storage = await openTestStorage();
    sources = {
      spans: storage.table('otel_traces'),
      logs: null,
      registry: null,
      matchByTime: false,
      withHorizon: false,
      where: [],
      staged: false,
    };
  });
  beforeEach(async () => {
    await truncateSpans(storage);
  });
  afterAll(async () => {
    await storage.close();
  });

  const rows = async <Row>(ctes: string[], select: string): Promise<Row[]> => {
    const result = await storage.client.query({ query: `WITH ${ctes.join(',\n')}\n${select}`, format: 'JSONEachRow' });
    return result.json<Row>();
  };

  describe('slowOwnersCte', () => {
    it('walks a span below a child of a decide span up to it, and leaves direct children to the fast path', async () => {
      const traceId = hexId(32);
      const decide = decideSpan({ traceId, at: T0, decisionId: 'd1' });
      const child = span({ traceId, parentSpanId: decide.SpanId, at: T0 + 1n });
      const grandchild = span({ traceId, parentSpanId: child.SpanId, at: T0 + 2n });
      const orphan = span({ traceId, parentSpanId: hexId(16), at: T0 + 3n });
      await insertSpanRows(storage, [decide, child, grandchild, orphan]);
      const owners = await rows<{ span_id: string; owner_id: string }>(
        [allDecisionsCte(sources), slowStartsCte(sources), slowOwnersCte(sources)],
        `SELECT s.SpanId AS span_id, d.SpanId AS owner_id FROM slow_owners AS o
         INNER JOIN (SELECT SpanId, sipHash128(TraceId, SpanId) AS k FROM ${sources.spans}) AS s ON s.k = o.span_k
         INNER JOIN all_decisions AS d ON d.k = o.owner_k`,
      );
      expect(owners).toEqual([{ span_id: grandchild.SpanId, owner_id: decide.SpanId }]);
    });
  });

  describe('observationsCte', () => {
    it('reads a reward event once per event and drops values that are not finite', async () => {
      const traceId = hexId(32);
      const decide = decideSpan({ traceId, at: T0, decisionId: 'd1' });
      const rewarded = span({
        traceId,
        parentSpanId: decide.SpanId,
        at: T0 + SECOND,
        events: [rewardEvent(T0 + SECOND, 2.5, { 'trading.reward.name': 'pnl' }), rewardEvent(T0 + SECOND, Number.NaN)],
      });
      // The same span stored twice (an exporter's retry) counts once.
      await insertSpanRows(storage, [decide, rewarded, rewarded]);
      const observed = await rows<{ SpanId: string; name: string; value: number }>(
        [observationsCte(sources)],
        'SELECT SpanId, name, value FROM observations',
      );
      expect(observed).toEqual([{ SpanId: rewarded.SpanId, name: 'pnl', value: 2.5 }]);
    });
  });
});
