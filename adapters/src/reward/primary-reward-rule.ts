/**
 * How the primary `reward.value` is made from the named components. The default: the component marked primary
 * (`trading.reward.primary`, or named `primary`) when there is one, else the sum of the components if they all share
 * one unit, else null: amounts in different units are never added.
 */
export type PrimaryRewardRule =
  | { rule: 'default' }
  /** The sum of all components when they share one unit, else null. */
  | { rule: 'sum' }
  /** The component observed last (ties: the last by name). */
  | { rule: 'last' }
  | { rule: 'component'; name: string }
  /** Σ weight · component over the named weights (the weights may convert units); null when none is present. */
  | { rule: 'weighted'; weights: Record<string, number> };

export interface RewardComponent {
  name: string;
  value: number;
  kind: string;
  /** `trading.reward.unit`; '' when the signal named none (it then matches only other unitless components). */
  unit: string;
  /** Marked primary by the bot (`trading.reward.primary`). */
  primary: boolean;
  /** Unix nanoseconds of the signal that set this value. */
  observedNs: bigint;
}

/** `reward.value` with the component it is (`primary`) and its unit. */
export interface PrimaryReward {
  value: number | null;
  /** The component the value is; null when it is a sum or nothing. */
  primary: string | null;
  /** Null when the value is null or mixes units (a weighted rule). */
  unit: string | null;
}

const NONE: PrimaryReward = { value: null, primary: null, unit: null };

export function primaryReward(components: readonly RewardComponent[], rule: PrimaryRewardRule): PrimaryReward {
  const one = (c: RewardComponent | undefined): PrimaryReward =>
    c === undefined ? NONE : { value: c.value, primary: c.name, unit: c.unit };
  switch (rule.rule) {
    case 'default': {
      const marked = byName(components.filter((c) => c.primary || c.name === 'primary'))[0];
      return marked === undefined ? sameUnitSum(components) : one(marked);
    }
    case 'sum':
      return sameUnitSum(components);
    case 'last':
      return one(
        components.length === 0
          ? undefined
          : components.reduce((a, b) =>
              b.observedNs > a.observedNs || (b.observedNs === a.observedNs && b.name > a.name) ? b : a,
            ),
      );
    case 'component':
      return one(components.find((c) => c.name === rule.name));
    case 'weighted': {
      const present = components.filter((c) => Object.hasOwn(rule.weights, c.name));
      if (present.length === 0) return NONE;
      const weighted = Object.entries(rule.weights).flatMap(([name, weight]) => {
        const c = present.find((p) => p.name === name);
        return c === undefined ? [] : [weight * c.value];
      });
      return { value: sum(weighted), primary: null, unit: singleUnit(present) };
    }
  }
}

/** The sum when every component has the same unit; null for none or mixed units. */
function sameUnitSum(components: readonly RewardComponent[]): PrimaryReward {
  const unit = singleUnit(components);
  return unit === null ? NONE : { value: sum(components.map((c) => c.value)), primary: null, unit };
}

function singleUnit(components: readonly RewardComponent[]): string | null {
  const units = new Set(components.map((c) => c.unit));
  return units.size === 1 ? [...units][0]! : null;
}

function byName(components: readonly RewardComponent[]): RewardComponent[] {
  return [...components].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
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
