import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const ChatRequestSchema = z.object({
  model: z.string().min(1),
  temperature: z.number().optional(),
  messages: z.array(z.object({ role: z.string(), content: z.string() })).min(1),
});

const FeaturesSchema = z.object({ return_5: z.number(), return_20: z.number(), volatility_20: z.number() });

export interface SimulatedLlmServer {
  /** Base URL for the `openai` client, ending in /v1. */
  readonly baseURL: string;
  close(): Promise<void>;
}

/**
 * A small OpenAI-compatible chat server on loopback that plays a momentum trader: it reads the market features
 * the prompt carries as JSON and answers with a JSON decision. Deterministic (its "noise" is a hash of the prompt),
 * so demo runs repeat exactly; it lets the demo run the real `openai` client without a network.
 */
export async function startSimulatedLlmServer(): Promise<SimulatedLlmServer> {
  let served = 0;
  const server: Server = createServer((request, response) => {
    void handle(request).then(({ status, body }) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });

  async function handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      return { status: 404, body: { error: { message: `no route for ${request.method} ${request.url}` } } };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let parsed: ReturnType<typeof ChatRequestSchema.safeParse>;
    try {
      parsed = ChatRequestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      return { status: 400, body: { error: { message: 'body is not JSON' } } };
    }
    if (!parsed.success)
      return { status: 400, body: { error: { message: `invalid chat request: ${parsed.error.message}` } } };
    const prompt = parsed.data.messages.map((m) => m.content).join('\n');
    const answer = decide(prompt, parsed.data.temperature ?? 0);
    served += 1;
    return {
      status: 200,
      body: {
        id: `chatcmpl-sim-${served}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: parsed.data.model,
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: JSON.stringify(answer) } }],
        usage: {
          prompt_tokens: Math.ceil(prompt.length / 4),
          completion_tokens: 24,
          total_tokens: Math.ceil(prompt.length / 4) + 24,
        },
      },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function decide(
  prompt: string,
  temperature: number,
): { action: 'buy' | 'sell' | 'hold'; confidence: number; reason: string } {
  const json = prompt.match(/\{[^{}]*"return_5"[^{}]*\}/)?.[0];
  const features = json ? FeaturesSchema.safeParse(JSON.parse(json)) : undefined;
  if (!features?.success) return { action: 'hold', confidence: 0.1, reason: 'no market features in the prompt' };
  const { return_5, return_20, volatility_20 } = features.data;
  // A deterministic per-prompt wobble stands in for an LLM's judgment calls; sampling hotter draws another one.
  const seed = temperature > 0 ? `${prompt}\n${temperature}` : prompt;
  const wobble =
    (createHash('sha256').update(seed).digest()[0]! / 255 - 0.5) * volatility_20 * Math.max(1, 3 * temperature);
  const signal = return_5 + 0.5 * return_20 + wobble;
  const threshold = 1.5 * volatility_20;
  const confidence = Math.min(1, Math.abs(signal) / (3 * threshold || 1));
  if (signal > threshold) return { action: 'buy', confidence, reason: 'short- and medium-term momentum up' };
  if (signal < -threshold) return { action: 'sell', confidence, reason: 'momentum down' };
  return { action: 'hold', confidence: 1 - confidence, reason: 'no clear trend' };
}
