import { stringifyJsonExact } from '@tradetrace/storage';
import { contextOf, parseJsonOrText } from '../triplet-assembler.ts';
import type { Triplet } from '../triplet.ts';

/**
 * A triplet as TRIPLET_STRUCTURE holds it (the SQL projection's rows, the Parquet file's), read as JSONEachRow with
 * named tuples as objects: free-form values as text, 64-bit counts as strings or numbers.
 */
export type ProjectedTripletRow = Omit<Triplet, 'strategy_config' | 'decision' | 'context' | 'reward' | 'outcome'> & {
  strategy_config: string;
  decision: Omit<Triplet['decision'], 'llm_calls'> & {
    llm_calls: (Omit<Triplet['decision']['llm_calls'][number], 'input_messages' | 'output_messages'> & {
      input_messages: string;
      output_messages: string;
    })[];
  };
  context: Record<string, string>;
  reward: Omit<Triplet['reward'], 'count'> & { count: string | number };
  outcome: Omit<Triplet['outcome'], 'orders'> & { orders: string | number };
};

/** The row for a triplet assembled in TypeScript. */
export function toProjectedRow(t: Triplet): ProjectedTripletRow {
  return {
    ...t,
    strategy_config: t.strategy_config === null ? '' : stringifyJsonExact(t.strategy_config),
    decision: {
      ...t.decision,
      llm_calls: t.decision.llm_calls.map((c) => ({
        ...c,
        input_messages: c.input_messages === null ? '' : stringifyJsonExact(c.input_messages),
        output_messages: c.output_messages === null ? '' : stringifyJsonExact(c.output_messages),
      })),
    },
    context: Object.fromEntries(Object.entries(t.context).map(([k, v]) => [k, String(v)])),
  };
}

/** The triplet of a row, free-form values typed back as the assembler types them. */
export function fromProjectedRow(row: ProjectedTripletRow): Triplet {
  return {
    ...row,
    strategy_config: parseJsonOrText(row.strategy_config),
    decision: {
      ...row.decision,
      llm_calls: row.decision.llm_calls.map((c) => ({
        ...c,
        input_messages: parseJsonOrText(c.input_messages),
        output_messages: parseJsonOrText(c.output_messages),
      })),
    },
    context: contextOf(Object.fromEntries(Object.entries(row.context).map(([k, v]) => [`trading.context.${k}`, v]))),
    reward: { ...row.reward, count: Number(row.reward.count) },
    outcome: { ...row.outcome, orders: Number(row.outcome.orders) },
  };
}
