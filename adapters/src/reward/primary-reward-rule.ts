/**
 * How the primary `reward.value` is made from the named components. The default: the `primary` component when
 * there is one, else the sum of all components.
 */
export type PrimaryRewardRule =
  | { rule: 'default' }
  | { rule: 'sum' }
  /** The component observed last (ties: the last by name). */
  | { rule: 'last' }
  | { rule: 'component'; name: string }
  /** Σ weight · component over the named weights; null when none of them is present. */
  | { rule: 'weighted'; weights: Record<string, number> };

export interface RewardComponent {
  name: string;
  value: number;
  kind: string;
  /** Unix nanoseconds of the signal that set this value. */
  observedNs: bigint;
}

export function primaryRewardValue(components: readonly RewardComponent[], rule: PrimaryRewardRule): number | null {
  if (components.length === 0) return null;
  const byName = new Map(components.map((c) => [c.name, c.value]));
  switch (rule.rule) {
    case 'default':
      return byName.get('primary') ?? sum(components.map((c) => c.value));
    case 'sum':
      return sum(components.map((c) => c.value));
    case 'last':
      return components.reduce((a, b) =>
        b.observedNs > a.observedNs || (b.observedNs === a.observedNs && b.name > a.name) ? b : a,
      ).value;
    case 'component':
      return byName.get(rule.name) ?? null;
    case 'weighted': {
      const present = Object.entries(rule.weights).filter(([name]) => byName.has(name));
      return present.length === 0 ? null : sum(present.map(([name, weight]) => weight * byName.get(name)!));
    }
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Parses `--reward-rule`: `default`, `sum`, `last`, `component:NAME` or `weighted:pnl=1,risk=-0.5`. */
export function parsePrimaryRewardRule(text: string): PrimaryRewardRule {
  if (text === 'default' || text === 'sum' || text === 'last') return { rule: text };
  const [head, rest] = [text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1)];
  if (head === 'component' && rest !== '') return { rule: 'component', name: rest };
  if (head === 'weighted' && rest !== '') {
    const weights: Record<string, number> = {};
    for (const pair of rest.split(',')) {
      const [name, weight] = pair.split('=');
      const value = Number(weight);
      if (!name || weight === undefined || weight.trim() === '' || !Number.isFinite(value)) {
        throw new Error(
          `bad weight "${pair}" in reward rule "${text}": write name=number, e.g. weighted:pnl=1,risk=-0.5`,
        );
      }
      weights[name] = value;
    }
    return { rule: 'weighted', weights };
  }
  throw new Error(`unknown reward rule "${text}": use default, sum, last, component:NAME or weighted:NAME=W,...`);
}
