import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OpenAI- and Anthropic-compatible HTTP server on loopback, answering the way the real APIs do (JSON and
 * server-sent events, usage only when asked for in OpenAI streams), so tests can drive the real client libraries.
 * Model `fail` answers 400; the reply text is fixed so instrumented and plain calls can be compared.
 */
export interface FakeLlmServer {
  url: string;
  /** Every request body received, in order. */
  requests: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export const REPLY_WORDS = ['buy', ' SOL', ' now'];

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const requests: FakeLlmServer['requests'] = [];
  let counter = 0;
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const path = (req.url ?? '').split('?')[0]!;
    requests.push({ path, body });
    const n = ++counter;
    if (body.model === 'fail') {
      res.writeHead(400, { 'content-type': 'application/json', 'x-request-id': `req-${n}` });
      res.end(
        JSON.stringify({
          error: { type: 'invalid_request_error', message: 'model fail does not exist' },
          type: 'error',
        }),
      );
      return;
    }
    if (path.endsWith('/chat/completions')) return openAi(body, res, n);
    if (path.endsWith('/messages')) return anthropic(body, res, n);
    res.writeHead(404).end();
  }

  function openAi(body: Record<string, unknown>, res: ServerResponse, n: number): void {
    const id = `chatcmpl-${n}`;
    const model = `${String(body.model)}-2026`;
    const usage = {
      prompt_tokens: 21,
      completion_tokens: 3,
      total_tokens: 24,
      prompt_tokens_details: { cached_tokens: 5 },
    };
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req-${n}` });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created: 1,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: REPLY_WORDS.join(''), refusal: null },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
          usage,
        }),
      );
      return;
    }
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': `req-${n}` });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const base = { id, object: 'chat.completion.chunk', created: 1, model, ...(includeUsage ? { usage: null } : {}) };
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (const word of REPLY_WORDS)
      send({ ...base, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] });
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    if (includeUsage) send({ ...base, choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  function anthropic(body: Record<string, unknown>, res: ServerResponse, n: number): void {
    const id = `msg_${n}`;
    const model = String(body.model);
    const text = REPLY_WORDS.join('');
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req-${n}` });
      res.end(
        JSON.stringify({
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [{ type: 'text', text }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 30, output_tokens: 4, cache_read_input_tokens: 10, cache_creation_input_tokens: 0 },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': `req-${n}` });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 30, output_tokens: 1, cache_read_input_tokens: 10, cache_creation_input_tokens: 0 },
      },
    });
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    for (const word of REPLY_WORDS)
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: word } });
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 4 },
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
