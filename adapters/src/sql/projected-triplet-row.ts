import { stringifyJsonExact } from '@tradetrace/storage';
import { contextOf, parseJsonOrText } from '../triplet-assembler.ts';
import type { LlmCall, Triplet } from '../triplet.ts';

/** The free-form values of an LLM call, which the row holds as JSON text ('' for null). */
const LLM_JSON_FIELDS = ['system_instructions', 'input_messages', 'output_messages', 'tool_definitions'] as const;
type LlmJsonField = (typeof LLM_JSON_FIELDS)[number];

/**
 * A triplet as TRIPLET_STRUCTURE holds it (the SQL projection's rows, the Parquet file's), read as JSONEachRow with
 * named tuples as objects: free-form values as text, 64-bit counts as strings or numbers, no error as type ''.
 */
export type ProjectedTripletRow = Omit<Triplet, 'strategy_config' | 'decision' | 'context' | 'reward' | 'outcome'> & {
  strategy_config: string;
  decision: Omit<Triplet['decision'], 'llm_calls' | 'error'> & {
    error: { type: string; message: string };
    llm_calls: (Omit<LlmCall, LlmJsonField> & Record<LlmJsonField, string>)[];
  };
  context: Record<string, string>;
  reward: Omit<Triplet['reward'], 'count'> & { count: string | number };
  outcome: Omit<Triplet['outcome'], 'orders'> & { orders: string | number };
};

const jsonText = (value: unknown) => (value === null ? '' : stringifyJsonExact(value));

/** The row for a triplet assembled in TypeScript. */
export function toProjectedRow(t: Triplet): ProjectedTripletRow {
  return {
    ...t,
    strategy_config: jsonText(t.strategy_config),
    decision: {
      ...t.decision,
      error: t.decision.error ?? { type: '', message: '' },
      llm_calls: t.decision.llm_calls.map((c) => ({
        ...c,
        ...(Object.fromEntries(LLM_JSON_FIELDS.map((f) => [f, jsonText(c[f])])) as Record<LlmJsonField, string>),
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
      error: row.decision.error.type === '' ? null : row.decision.error,
      llm_calls: row.decision.llm_calls.map((c) => ({
        ...c,
        ...(Object.fromEntries(LLM_JSON_FIELDS.map((f) => [f, parseJsonOrText(c[f])])) as Record<
          LlmJsonField,
          unknown
        >),
      })),
    },
    context: contextOf(Object.fromEntries(Object.entries(row.context).map(([k, v]) => [`trading.context.${k}`, v]))),
    reward: { ...row.reward, count: Number(row.reward.count) },
    outcome: { ...row.outcome, orders: Number(row.outcome.orders) },
  };
}
