import { describeError, type RateLimitedReporter } from './safety/sdk-logger.ts';

/** What the decision hooks see. */
export interface DecisionHookEvent {
  decisionId: string;
  symbol: string;
  strategy: { name: string; version: string } | undefined;
  /** Set on `onDecisionEnd`: what the bot chose (undefined when the decide function threw). */
  action?: string;
  /** Set on `onDecisionEnd` when the decide function threw. */
  error?: unknown;
  /** Set on `onDecisionEnd`: wall time of the decide function, ms. */
  durationMs?: number;
}

export interface OrderHookEvent {
  operation: 'submit_order' | 'cancel_order' | 'order_update';
  decisionId: string | undefined;
  symbol: string;
  order: Readonly<Record<string, unknown>> | undefined;
  error?: unknown;
}

export interface FillHookEvent {
  decisionId: string | undefined;
  symbol: string;
  orderId: string | undefined;
  trade: Readonly<Record<string, unknown>>;
}

export interface PositionCloseHookEvent {
  decisionId: string | undefined;
  symbol: string;
  positionId: string | undefined;
  realizedPnl: number | undefined;
  realizedReturn: number | undefined;
}

export interface RewardHookEvent {
  decisionId: string;
  name: string;
  value: number;
  kind: string;
  /** `event` on the open decision span, or `span` (a `reward {symbol}` span linked to the decision). */
  recordedAs: 'event' | 'span';
}

/**
 * Lifecycle callbacks for setup/teardown and custom logging. All optional; a hook may be async. A hook that throws
 * (or rejects) is reported through the SDK's logger and never reaches the bot; the SDK never waits for a hook except
 * `onBotStop`, which `shutdown()` awaits (bounded by the shutdown timeout) before its final flush.
 */
export interface TradeTraceHooks {
  onBotStart?(info: { serviceName: string; botId: string | undefined }): void | Promise<void>;
  onBotStop?(info: { serviceName: string; botId: string | undefined }): void | Promise<void>;
  onDecisionStart?(event: DecisionHookEvent): void | Promise<void>;
  onDecisionEnd?(event: DecisionHookEvent): void | Promise<void>;
  onOrder?(event: OrderHookEvent): void | Promise<void>;
  onFill?(event: FillHookEvent): void | Promise<void>;
  onPositionClose?(event: PositionCloseHookEvent): void | Promise<void>;
  onReward?(event: RewardHookEvent): void | Promise<void>;
}

export type HookName = keyof TradeTraceHooks;

/** The registered hooks, called so that none of them can hurt the caller. */
export class HookRegistry {
  private readonly registered: TradeTraceHooks[] = [];
  private errorCount = 0;
  /** Fast path: no hook of that name at all. */
  private readonly present = new Set<HookName>();

  private readonly reporter: RateLimitedReporter;

  constructor(reporter: RateLimitedReporter) {
    this.reporter = reporter;
  }

  get errors(): number {
    return this.errorCount;
  }

  add(hooks: TradeTraceHooks): () => void {
    this.registered.push(hooks);
    this.refresh();
    return () => {
      const index = this.registered.indexOf(hooks);
      if (index >= 0) this.registered.splice(index, 1);
      this.refresh();
    };
  }

  has(name: HookName): boolean {
    return this.present.has(name);
  }

  /** Calls every hook of that name; returns the promises of async hooks (already guarded) for callers that wait. */
  emit<N extends HookName>(name: N, event: Parameters<NonNullable<TradeTraceHooks[N]>>[0]): Promise<void>[] {
    if (!this.present.has(name)) return [];
    const pending: Promise<void>[] = [];
    for (const hooks of this.registered) {
      const hook = hooks[name] as ((e: typeof event) => void | Promise<void>) | undefined;
      if (hook === undefined) continue;
      try {
        const result = hook.call(hooks, event);
        if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
          pending.push(Promise.resolve(result).catch((error: unknown) => this.failed(name, error)));
        }
      } catch (error) {
        this.failed(name, error);
      }
    }
    return pending;
  }

  private failed(name: HookName, error: unknown): void {
    this.errorCount++;
    this.reporter.report(
      'error',
      `hook:${name}`,
      (n) =>
        `hook ${name} threw (${n} time(s) since the last report; the bot was not affected): ${describeError(error)}`,
    );
  }

  private refresh(): void {
    this.present.clear();
    for (const hooks of this.registered)
      for (const name of Object.keys(hooks) as HookName[])
        if (typeof hooks[name] === 'function') this.present.add(name);
  }
}
