import { canonicalJson, semconv as A, type LlmGatewayCall, type LlmGatewayOutcome } from '@tradetrace/sdk';
import { DEFAULT_LLM_PRICES, llmCallCostUsd, type LlmPriceTable } from '@tradetrace/storage';

/** Most answers the in-run cache keeps (bounded memory); past it later answers are not kept, their calls sent again. */
const MAX_CACHED_ANSWERS = 50_000;

type Attributes = Extract<LlmGatewayOutcome, { ok: true }>['attributes'];

export interface LlmCallGateOptions {
  /** Most calls sent to providers over the run. */
  maxCalls?: number | undefined;
  /** Most USD spent on calls whose model has a price (storage's price table). */
  maxCostUsd?: number | undefined;
  /** Answer identical deterministic calls from an in-run cache. */
  cache: boolean;
  prices?: LlmPriceTable;
}

/** What the gate says before a call goes out. */
export type LlmGateAnswer = { send: true } | { cached: unknown } | { refused: string };

/** What the LLM calls of a run used (the `llm` part of a search result). */
export interface LlmRunUsage {
  /** Calls sent to a provider (answered or failed). */
  calls: number;
  /** Calls answered from the in-run cache: traced, not sent, not counted against the budget. */
  cached: number;
  /** Calls the budget refused. */
  refused: number;
  /** USD of the calls whose model has a price. */
  cost_usd: number;
  /** Answered calls with no known price (model not in the table, or no usage reported): not in `cost_usd`. */
  unpriced_calls: number;
  max_calls: number | null;
  max_cost_usd: number | null;
  cache: boolean;
}

/** A backtest stopped because the LLM budget refused one of its calls; the trial is excluded, not truncated. */
export class LlmBudgetReachedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmBudgetReachedError';
  }
}

/**
 * Only calls meant to give the same answer every time are cached: one answer (`n` unset or 1) at an explicit
 * temperature 0, not streamed. A bot that samples (temperature > 0, the provider's default temperature, or several
 * choices) gets fresh answers from the provider, as it asked.
 */
function isCacheable(request: Readonly<Record<string, unknown>>): boolean {
  return request.temperature === 0 && (request.n === undefined || request.n === 1) && request.stream !== true;
}

function usageOf(attributes: Attributes) {
  const num = (key: string) => {
    const value = attributes[key];
    return typeof value === 'number' ? value : undefined;
  };
  return {
    inputTokens: num(A.ATTR_GEN_AI_USAGE_INPUT_TOKENS),
    outputTokens: num(A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS),
    cachedInputTokens: num(A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS),
  };
}

/**
 * The budget and cache of one run's LLM calls, in the main thread; every worker's SDK asks it before each call
 * (`RemoteLlmGateway`). The call budget is never exceeded: a call past it is refused before it is sent. A call's
 * cost is known only once it answered, so the cost budget refuses calls once the spent cost reached it, and can
 * be overshot by the calls in flight then (at most one per running backtest). Identical cacheable calls in flight
 * at once are sent once: the others wait for that answer.
 */
export class LlmCallGate {
  private readonly options: LlmCallGateOptions;
  private readonly prices: LlmPriceTable;
  private readonly answers = new Map<string, unknown>();
  private readonly inFlight = new Map<string, (() => void)[]>();
  private share = 1;
  private used = { calls: 0, cached: 0, refused: 0, costUsd: 0, unpriced: 0 };

  constructor(options: LlmCallGateOptions) {
    this.options = options;
    this.prices = options.prices ?? DEFAULT_LLM_PRICES;
  }

  /** The fraction of each budget reachable from now on (a search keeps the rest for its holdout replays). */
  limitTo(share: number): void {
    this.share = share;
  }

  /** Why the next call would be refused, or undefined while the budget allows it. */
  exhausted(): string | undefined {
    const { maxCalls, maxCostUsd } = this.options;
    if (maxCalls !== undefined && this.used.calls >= Math.floor(maxCalls * this.share))
      return `LLM call budget reached (${this.used.calls} of ${maxCalls} calls${this.share < 1 ? `, ${Math.floor(maxCalls * this.share)} for the search` : ''})`;
    if (maxCostUsd !== undefined && this.used.costUsd >= maxCostUsd * this.share)
      return `LLM cost budget reached (${this.used.costUsd.toFixed(4)} of ${maxCostUsd} USD${this.share < 1 ? `, ${(maxCostUsd * this.share).toFixed(4)} for the search` : ''})`;
    return undefined;
  }

  async before(call: LlmGatewayCall): Promise<LlmGateAnswer> {
    const key = this.options.cache && isCacheable(call.request) ? canonicalJson(call) : undefined;
    if (key !== undefined) {
      // Wait for an identical call in flight, then answer from what it left in the cache (or send after all).
      while (this.inFlight.has(key)) await new Promise<void>((resolve) => this.inFlight.get(key)!.push(resolve));
      if (this.answers.has(key)) {
        this.used.cached++;
        return { cached: this.answers.get(key) };
      }
    }
    const refusal = this.exhausted();
    if (refusal) {
      this.used.refused++;
      return { refused: refusal };
    }
    this.used.calls++;
    if (key !== undefined) this.inFlight.set(key, []);
    return { send: true };
  }

  after(call: LlmGatewayCall, outcome: LlmGatewayOutcome): void {
    if (outcome.ok) this.charge(call, outcome.attributes);
    const key = this.options.cache && isCacheable(call.request) ? canonicalJson(call) : undefined;
    if (key === undefined) return;
    if (outcome.ok && outcome.response !== undefined && this.answers.size < MAX_CACHED_ANSWERS)
      this.answers.set(key, outcome.response);
    const waiting = this.inFlight.get(key) ?? [];
    this.inFlight.delete(key);
    for (const wake of waiting) wake();
  }

  usage(): LlmRunUsage {
    return {
      calls: this.used.calls,
      cached: this.used.cached,
      refused: this.used.refused,
      cost_usd: this.used.costUsd,
      unpriced_calls: this.used.unpriced,
      max_calls: this.options.maxCalls ?? null,
      max_cost_usd: this.options.maxCostUsd ?? null,
      cache: this.options.cache,
    };
  }

  private charge(call: LlmGatewayCall, attributes: Attributes): void {
    const responseModel = attributes[A.ATTR_GEN_AI_RESPONSE_MODEL];
    const models = {
      ...(typeof responseModel === 'string' ? { responseModel } : {}),
      requestModel: String(call.request.model),
    };
    const cost = llmCallCostUsd(this.prices, models, usageOf(attributes));
    if (cost === undefined) this.used.unpriced++;
    else this.used.costUsd += cost;
  }
}
