import type { MessagePort } from 'node:worker_threads';
import type { LlmGateway, LlmGatewayCall, LlmGatewayOutcome } from '@tradetrace/sdk';
import type { LlmCallGate, LlmGateAnswer } from './llm-call-gate.ts';

/** Worker → main thread, on a worker's LLM port. */
export type LlmPortRequest =
  | { type: 'before'; id: number; call: LlmGatewayCall }
  | { type: 'after'; call: LlmGatewayCall; outcome: LlmGatewayOutcome };

/** Main thread → worker: the gate's answer to `before` number `id`. */
export interface LlmPortAnswer {
  id: number;
  answer: LlmGateAnswer;
}

/**
 * The SDK's `LlmGateway` inside a backtest worker: asks the run's `LlmCallGate` in the main thread over a message
 * port, so every worker shares one budget and one cache. Remembers a refusal of the current job, so the job is
 * reported as stopped by the budget even when the bot caught the error and carried on.
 */
export class RemoteLlmGateway implements LlmGateway {
  /** Why a call of the current job was refused, if one was. */
  refusal: string | undefined;
  private readonly port: MessagePort;
  private readonly pending = new Map<number, (answer: LlmGateAnswer) => void>();
  private nextId = 0;

  constructor(port: MessagePort) {
    this.port = port;
    port.on('message', ({ id, answer }: LlmPortAnswer) => {
      this.pending.get(id)?.(answer);
      this.pending.delete(id);
    });
    // Waiting for an answer keeps the worker alive; an idle port must not.
    port.unref();
  }

  startJob(): void {
    this.refusal = undefined;
  }

  async before(call: LlmGatewayCall): Promise<{ cached: unknown } | undefined> {
    const id = this.nextId++;
    const answer = await new Promise<LlmGateAnswer>((resolve) => {
      this.pending.set(id, resolve);
      this.port.postMessage({ type: 'before', id, call } satisfies LlmPortRequest);
    });
    if ('refused' in answer) {
      this.refusal ??= answer.refused;
      throw new Error(answer.refused);
    }
    return 'cached' in answer ? { cached: answer.cached } : undefined;
  }

  after(call: LlmGatewayCall, outcome: LlmGatewayOutcome): void {
    try {
      this.port.postMessage({ type: 'after', call, outcome } satisfies LlmPortRequest);
    } catch {
      // A response the structured clone cannot copy: counted, not cached (waiting identical calls are released).
      const counted = outcome.ok ? { ...outcome, response: undefined } : outcome;
      this.port.postMessage({ type: 'after', call, outcome: counted } satisfies LlmPortRequest);
    }
  }
}

/** The main thread's end of a worker's LLM port: every request answered by the run's gate. */
export function serveLlmPort(port: MessagePort, gate: LlmCallGate): void {
  port.on('message', (request: LlmPortRequest) => {
    if (request.type === 'after') gate.after(request.call, request.outcome);
    else
      void gate
        .before(request.call)
        .then((answer) => port.postMessage({ id: request.id, answer } satisfies LlmPortAnswer));
  });
}
