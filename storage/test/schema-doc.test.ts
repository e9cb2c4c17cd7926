import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LLM_PRICES, TTL_TABLES } from '@tradetrace/storage';
import { tradingDecisions } from '../src/migrations/005-trading-decisions.ts';
import { tradingOrders } from '../src/migrations/006-trading-orders.ts';
import { tradingFills } from '../src/migrations/007-trading-fills.ts';
import { tradingPositions } from '../src/migrations/008-trading-positions.ts';
import { tradingRewardsWithPrimary } from '../src/migrations/015-trading-rewards-primary.ts';
import { llmCalls } from '../src/migrations/011-llm-calls.ts';
import { identityColumns } from '../src/migrations/trading-columns.ts';

const doc = readFileSync(new URL('../../docs/schema.md', import.meta.url), 'utf8');

/** The text of the `### \`table\`` section of docs/schema.md. */
function section(table: string): string {
  const start = doc.indexOf(`### \`${table}\``);
  if (start < 0) return '';
  const end = doc.indexOf('\n#', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('docs/schema.md', () => {
  const shared = new Set(identityColumns().map((c) => c.name));
  for (const definition of [
    tradingDecisions,
    tradingOrders,
    tradingFills,
    tradingPositions,
    tradingRewardsWithPrimary,
    llmCalls(DEFAULT_LLM_PRICES),
  ]) {
    it(`documents every column of ${definition.table}`, () => {
      const text = section(definition.table);
      expect(text, `no section for ${definition.table}`).not.toBe('');
      const missing = definition.columns
        .filter((c) => !shared.has(c.name) && !text.includes(`\`${c.name}\``))
        .map((c) => c.name);
      expect(missing).toEqual([]);
    });
  }

  it('documents the columns every trading table shares', () => {
    expect([...shared].filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it('lists every table that takes a TTL', () => {
    expect(TTL_TABLES.filter((table) => !doc.includes(`\`${table}\``))).toEqual([]);
  });
});
