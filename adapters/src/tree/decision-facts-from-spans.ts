import type { LogRow, SpanRow } from '@tradetrace/storage';
import { decisionIdOf, MAX_ANCESTOR_DEPTH, type DecisionFacts, type LlmCallFacts } from '../decision-facts.ts';
import type { ResolvedExtractionOptions } from '../extraction-options.ts';
import type { RewardComponent } from '../reward/primary-reward-rule.ts';
import type { TripletFilter } from '../triplet-filter.ts';
import type { RewardMatch } from '../triplet.ts';
import { createSpanForest, type SpanForest, type SpanNode } from './span-forest.ts';

/** A row of the strategy registry (`strategy_versions`): the config of one strategy version. */
export interface StrategyVersionRecord {
  strategy_name: string;
  version: string;
  config: string;
}

/** The fields of a reward log record the engine reads. */
export type RewardLogRecord = Pick<LogRow, 'Timestamp' | 'TraceId' | 'SpanId' | 'ServiceName' | 'LogAttributes'>;

interface Observation {
  traceId: string;
  spanId: string;
  serviceName: string;
  decisionId: string;
  links: { traceId: string; spanId: string }[];
  name: string;
  value: number | null;
  kind: string;
  unit: string;
  primary: boolean;
  ts: bigint;
}

const RANKS: readonly RewardMatch[] = ['decision_id', 'link', 'ancestor', 'time'];

/** What the spans say about decisions, by owner or decision id, before attachment. */
interface SpanSignals {
  llmCalls: Map<SpanNode, LlmCallFacts[]>;
  observations: Observation[];
  positions: Map<string, { pnl: number; ret: number; positionId: string }>;
  orders: Map<string, { count: number; filled: number; positionId: string }>;
}

type OwnerOf = (node: SpanNode) => SpanNode | null;

/**
 * The TypeScript engine: the same facts as the SQL engine (sql/decision-facts-query.ts), computed over span
 * trees in memory — for streams of spans, custom pipelines and tests. Decisions come out in the SQL engine's order.
 */
export function decisionFactsFromSpans(
  input: {
    spans: Iterable<SpanRow> | SpanForest;
    logs?: Iterable<RewardLogRecord>;
    strategyVersions?: Iterable<StrategyVersionRecord>;
  },
  filter: TripletFilter,
  options: ResolvedExtractionOptions,
): DecisionFacts[] {
  const configs = new Map(
    [...(input.strategyVersions ?? [])].map((v) => [`${v.strategy_name}\u0000${v.version}`, v.config]),
  );
  const forest = 'add' in input.spans ? input.spans : createSpanForest(input.spans);
  const spans = forest.spans();
  const allDecisions = spans.filter(isDecide);
  const ownerOf = ownerFinder(forest);
  const signals = spanSignals(spans, ownerOf);
  signals.observations.push(...logObservations(input.logs ?? []));
  const attached = attachObservations(signals.observations, forest, allDecisions, ownerOf, options.matchByTime);
  const prices = options.horizonNs === null ? null : priceSeries(allDecisions);

  const facts = allDecisions
    .filter((n) => matchesFilter(n, filter))
    .map((node): DecisionFacts => {
      const row = node.row!;
      const decisionId = decisionIdOf(row.SpanAttributes, row.SpanId);
      const reward = attached.get(decisionId);
      const position = signals.positions.get(decisionId);
      const order = signals.orders.get(decisionId);
      return {
        decisionId,
        traceId: row.TraceId,
        spanId: row.SpanId,
        startNs: node.startNs,
        serviceName: row.ServiceName,
        // The span's own bot id over its resource's, as the typed tables read it (docs/schema.md, who a row belongs to).
        botId: row.SpanAttributes['trading.bot.id'] ?? row.ResourceAttributes['trading.bot.id'] ?? '',
        attributes: row.SpanAttributes,
        statusCode: row.StatusCode,
        statusMessage: row.StatusMessage,
        strategyConfig:
          configs.get(
            `${row.SpanAttributes['trading.strategy.name'] ?? ''}\u0000${row.SpanAttributes['trading.strategy.version'] ?? ''}`,
          ) ?? '',
        llmCalls: signals.llmCalls.get(node) ?? [],
        rewardComponents: reward?.components ?? [],
        rewardMatch: reward ? RANKS[reward.rank]! : 'none',
        rewardCount: reward?.count ?? 0,
        orders: order?.count ?? 0,
        filledAmount: order?.filled ?? 0,
        realizedPnl: position ? position.pnl : null,
        realizedReturn: position ? position.ret : null,
        positionId: minNonEmpty(order?.positionId ?? '', position?.positionId ?? ''),
        priceAtHorizon:
          prices === null
            ? null
            : priceAtOrAfter(
                prices.get(row.SpanAttributes['trading.symbol'] ?? '') ?? [],
                node.startNs + options.horizonNs!,
              ),
      };
    });
  return sortDecisionFacts(facts, options.gamma !== null);
}

function isDecide(node: SpanNode): boolean {
  return node.row!.SpanAttributes['trading.operation.name'] === 'decide';
}

/** The nearest decide span at or above a span, by parent ids (at most MAX_ANCESTOR_DEPTH steps up). */
function ownerFinder(forest: SpanForest): OwnerOf {
  return (node) => {
    if (isDecide(node)) return node;
    let parentId = node.row!.ParentSpanId;
    if (parentId === '') return null;
    for (let depth = 0; ; depth += 1) {
      const parent = forest.span(node.traceId, parentId);
      if (!parent) return null;
      if (isDecide(parent)) return parent;
      if (depth >= MAX_ANCESTOR_DEPTH || parent.row!.ParentSpanId === '') return null;
      parentId = parent.row!.ParentSpanId;
    }
  };
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  return map.get(key) ?? map.set(key, make()).get(key)!;
}

/** One pass over the spans: LLM calls by owner, reward observations, closed positions and orders by decision id. */
function spanSignals(spans: readonly SpanNode[], ownerOf: OwnerOf): SpanSignals {
  const signals: SpanSignals = { llmCalls: new Map(), observations: [], positions: new Map(), orders: new Map() };
  for (const node of spans) {
    const row = node.row!;
    const a = row.SpanAttributes;
    if (!isDecide(node) && (a['gen_ai.operation.name'] || a['gen_ai.request.model'])) {
      const owner = ownerOf(node);
      if (owner)
        getOrCreate(signals.llmCalls, owner, () => []).push({
          spanId: row.SpanId,
          startNs: node.startNs,
          attributes: a,
        });
    }
    signals.observations.push(...spanObservations(node));
    const op = a['trading.operation.name'];
    const decisionId = a['trading.decision.id'] ?? '';
    if (op === 'close_position' && decisionId !== '') {
      const p = getOrCreate(signals.positions, decisionId, () => ({ pnl: 0, ret: 0, positionId: '' }));
      p.pnl += numberOrZero(a['trading.position.realized_pnl']);
      p.ret += numberOrZero(a['trading.position.realized_return']);
      p.positionId = minNonEmpty(p.positionId, a['trading.position.id'] ?? '');
    }
    if (op === 'submit_order' && decisionId !== '') {
      const o = getOrCreate(signals.orders, decisionId, () => ({ count: 0, filled: 0, positionId: '' }));
      o.count += 1;
      o.filled += numberOrZero(a['trading.order.filled']);
      o.positionId = minNonEmpty(o.positionId, a['trading.position.id'] ?? '');
    }
  }
  return signals;
}

/** A span's reward signals: each `trading.reward` event, else (a reward span without one) its attributes. */
function spanObservations(node: SpanNode): Observation[] {
  const row = node.row!;
  const a = row.SpanAttributes;
  const links = row['Links.TraceId'].map((traceId, i) => ({ traceId, spanId: row['Links.SpanId'][i] ?? '' }));
  const base = { traceId: row.TraceId, spanId: row.SpanId, serviceName: row.ServiceName, links };
  const observations: Observation[] = [];
  row['Events.Name'].forEach((name, i) => {
    if (name !== 'trading.reward') return;
    const ev = row['Events.Attributes'][i] ?? {};
    observations.push({
      ...base,
      ...signal(ev, BigInt(row['Events.Timestamp'][i] ?? '0')),
      decisionId: ev['trading.decision.id'] || a['trading.decision.id'] || '',
    });
  });
  const hasRewardEvent = observations.length > 0;
  if (a['trading.operation.name'] === 'reward' && a['trading.reward.value'] && !hasRewardEvent) {
    observations.push({ ...base, ...signal(a, node.startNs), decisionId: a['trading.decision.id'] ?? '' });
  }
  return observations;
}

/** The reward log records' signals (those that carry a value). */
function logObservations(logs: Iterable<RewardLogRecord>): Observation[] {
  const observations: Observation[] = [];
  for (const log of logs) {
    const la = log.LogAttributes;
    if (!la['trading.reward.value']) continue;
    observations.push({
      traceId: log.TraceId,
      spanId: log.SpanId,
      serviceName: log.ServiceName,
      links: [],
      ...signal(la, BigInt(log.Timestamp)),
      decisionId: la['trading.decision.id'] ?? '',
    });
  }
  return observations;
}

/** The SQL engine's order: by episode first when `byEpisode` (gamma is set), then time, then ids. */
function sortDecisionFacts(facts: DecisionFacts[], byEpisode: boolean): DecisionFacts[] {
  const key = (f: DecisionFacts) =>
    byEpisode ? f.attributes['trading.episode.id'] || f.attributes['trading.position.id'] || f.positionId : '';
  return facts.sort(
    (x, y) =>
      compare(key(x), key(y)) ||
      (x.startNs < y.startNs ? -1 : x.startNs > y.startNs ? 1 : 0) ||
      compare(x.decisionId, y.decisionId) ||
      compare(x.traceId, y.traceId) ||
      compare(x.spanId, y.spanId),
  );
}

/** Each observation goes to decisions by the most explicit thing it carries; a decision keeps its best level. */
function attachObservations(
  observations: readonly Observation[],
  forest: SpanForest,
  allDecisions: readonly SpanNode[],
  ownerOf: (node: SpanNode) => SpanNode | null,
  matchByTime: boolean,
): Map<string, { rank: number; count: number; components: RewardComponent[] }> {
  const idOf = (n: SpanNode) => decisionIdOf(n.row!.SpanAttributes, n.row!.SpanId);
  const byService = new Map<string, SpanNode[]>();
  for (const d of allDecisions)
    (byService.get(d.row!.ServiceName) ?? byService.set(d.row!.ServiceName, []).get(d.row!.ServiceName)!).push(d);
  for (const list of byService.values())
    list.sort((x, y) => (x.startNs < y.startNs ? -1 : x.startNs > y.startNs ? 1 : 0));

  const found = new Map<string, { rank: number; observations: Observation[] }>();
  const attach = (decisionId: string, rank: number, o: Observation) => {
    const current = found.get(decisionId);
    if (!current || rank < current.rank) found.set(decisionId, { rank, observations: [o] });
    else if (rank === current.rank) current.observations.push(o);
  };
  for (const o of observations) {
    if (o.value === null) continue;
    if (o.decisionId !== '') {
      attach(o.decisionId, 0, o);
      continue;
    }
    if (o.links.length > 0) {
      for (const link of o.links) {
        const target = forest.span(link.traceId, link.spanId);
        if (target && target.row!.SpanAttributes['trading.operation.name'] === 'decide') attach(idOf(target), 1, o);
      }
      continue;
    }
    const node = forest.span(o.traceId, o.spanId);
    const owner = node ? ownerOf(node) : null;
    if (owner) attach(idOf(owner), 2, o);
    else if (matchByTime) {
      const candidates = byService.get(o.serviceName) ?? [];
      let latest: SpanNode | undefined;
      for (const d of candidates) if (d.startNs <= o.ts) latest = d;
      if (latest) attach(idOf(latest), 3, o);
    }
  }

  const result = new Map<string, { rank: number; count: number; components: RewardComponent[] }>();
  for (const [decisionId, { rank, observations: list }] of found) {
    const latest = new Map<string, Observation>();
    for (const o of list) {
      const seen = latest.get(o.name);
      if (!seen || isLater(o, seen)) latest.set(o.name, o);
    }
    result.set(decisionId, {
      rank,
      count: list.length,
      components: [...latest.values()].map((o) => ({
        name: o.name,
        value: o.value!,
        kind: o.kind,
        unit: o.unit,
        primary: o.primary,
        observedNs: o.ts,
      })),
    });
  }
  return result;
}

/** Of two signals of one component, whether `o` replaces `seen`: later, then (ties) by value, kind, unit, mark. */
function isLater(o: Observation, seen: Observation): boolean {
  if (o.ts !== seen.ts) return o.ts > seen.ts;
  if (o.value !== seen.value) return o.value! > seen.value!;
  if (o.kind !== seen.kind) return o.kind > seen.kind;
  if (o.unit !== seen.unit) return o.unit > seen.unit;
  return o.primary && !seen.primary;
}

function signal(
  attributes: Readonly<Record<string, string>>,
  ts: bigint,
): Pick<Observation, 'name' | 'value' | 'kind' | 'unit' | 'primary' | 'ts'> {
  return {
    name: attributes['trading.reward.name'] || 'primary',
    value: strictNumber(attributes['trading.reward.value']),
    kind: attributes['trading.reward.kind'] ?? '',
    unit: attributes['trading.reward.unit'] ?? '',
    primary: attributes['trading.reward.primary'] === 'true',
    ts,
  };
}

function matchesFilter(node: SpanNode, filter: TripletFilter): boolean {
  const row = node.row!;
  const a = row.SpanAttributes;
  const ns = (d: Date) => BigInt(d.getTime()) * 1_000_000n;
  return (
    (!filter.since || node.startNs >= ns(filter.since)) &&
    (!filter.until || node.startNs < ns(filter.until)) &&
    (!filter.service || row.ServiceName === filter.service) &&
    (!filter.strategyVersion || a['trading.strategy.version'] === filter.strategyVersion) &&
    (!filter.symbol || a['trading.symbol'] === filter.symbol) &&
    (!filter.mode || a['trading.mode'] === filter.mode)
  );
}

/** Prices the bots observed, per symbol, in time order. */
function priceSeries(decisions: readonly SpanNode[]): Map<string, { ns: bigint; price: number }[]> {
  const series = new Map<string, { ns: bigint; price: number }[]>();
  for (const d of decisions) {
    const price = strictNumber(d.row!.SpanAttributes['trading.context.price']);
    if (price === null) continue;
    const symbol = d.row!.SpanAttributes['trading.symbol'] ?? '';
    (series.get(symbol) ?? series.set(symbol, []).get(symbol)!).push({ ns: d.startNs, price });
  }
  for (const list of series.values()) list.sort((x, y) => (x.ns < y.ns ? -1 : x.ns > y.ns ? 1 : 0));
  return series;
}

/** The first price at or after `ns` (what ClickHouse's ASOF JOIN with `>=` picks). */
function priceAtOrAfter(series: readonly { ns: bigint; price: number }[], ns: bigint): number | null {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (series[mid]!.ns < ns) lo = mid + 1;
    else hi = mid;
  }
  return series[lo]?.price ?? null;
}

/** A decimal number as ClickHouse's toFloat64OrNull reads it; null for anything else or non-finite. */
function strictNumber(text: string | undefined): number | null {
  if (text === undefined || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function numberOrZero(text: string | undefined): number {
  return strictNumber(text) ?? 0;
}

function minNonEmpty(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return a < b ? a : b;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
