import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { AuthToken } from '../auth/auth-tokens.ts';
import { AuthError, type RequestAuthorizer } from '../auth/request-authorizer.ts';
import { IngestClosedError } from '../ingest/durable-ingest.ts';
import { decodeOtlpBody, RequestOverLimitError } from '../ingest/otlp-body-decoding.ts';
import type { TelemetryIngest } from '../ingest/telemetry-ingest.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { OtlpDecodeError } from '../otlp/decoded-spans.ts';
import type { IngestLimits } from '../otlp/ingest-limits.ts';
import {
  encodeExportResponse,
  encodeStatus,
  GRPC_INVALID_ARGUMENT,
  GRPC_PERMISSION_DENIED,
  GRPC_RESOURCE_EXHAUSTED,
  GRPC_UNAUTHENTICATED,
  GRPC_UNAVAILABLE,
  type OtlpEncoding,
} from '../otlp/otlp-response-encoder.ts';
import type { TelemetrySignal } from '../spool/spool-record.ts';
import { SpoolFullError } from '../spool/write-ahead-spool.ts';
import { decodeRequestBody } from './gzip-request-decoding.ts';
import { readRequestBody, RequestBodyPool } from './request-body-reader.ts';

/** Extra routes mounted on the collector's server (the CLI's query API); `/api/` routes need a read token when auth is on. */
export type AppRoutePlugin = (app: FastifyInstance) => Promise<void>;

export interface CollectorAppOptions {
  ingest: TelemetryIngest;
  authorizer: RequestAuthorizer;
  metrics: CollectorMetrics;
  limits: IngestLimits;
  /** A pino logger; omit for no request logging. */
  logger?: FastifyBaseLogger;
  /** Largest request body accepted, compressed and decompressed alike. */
  bodyLimitBytes: number;
  /** OTLP requests processed at once; more are answered 429 before their body is read. */
  maxConcurrentRequests: number;
  routes?: readonly AppRoutePlugin[];
}

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const SIGNALS: readonly { path: string; signal: TelemetrySignal; itemName: 'Spans' | 'LogRecords' }[] = [
  { path: '/v1/traces', signal: 'traces', itemName: 'Spans' },
  { path: '/v1/logs', signal: 'logs', itemName: 'LogRecords' },
];

/** Too many requests in progress (answered 429 + Retry-After). */
class TooManyRequestsError extends Error {
  readonly code = 'TT_COLLECTOR_TOO_MANY_REQUESTS';

  constructor(limit: number) {
    super(`the collector is processing ${limit} requests already; retry shortly`);
    this.name = 'TooManyRequestsError';
  }
}

/** Builds the collector's HTTP app (OTLP/HTTP receiver, health, metrics, extra routes); `listen` is the caller's. */
export async function buildCollectorApp(options: CollectorAppOptions): Promise<FastifyInstance> {
  const { ingest, authorizer, metrics, limits } = options;
  const bodyLimit = options.bodyLimitBytes;
  const app = Fastify({
    bodyLimit,
    // Cut off clients that send a body too slowly, so they cannot hold a request slot forever.
    requestTimeout: 60_000,
    // Node's default, not fastify's 72 s: a stop waits for open keep-alive connections, and one whose request was in
    // flight when the stop began stays open until this timeout.
    keepAliveTimeout: 5_000,
    // Request logging off through the log controller (the top-level option is deprecated and warns at start-up).
    ...(options.logger
      ? { loggerInstance: options.logger, logController: new LogController({ disableRequestLogging: true }) }
      : { logger: false }),
  });

  app.removeAllContentTypeParsers();
  // Bodies arrive as buffers; decoding errors are answered by the route in the request's own encoding. An OTLP
  // route gives its body's buffer back once the request is decoded and spooled.
  const bodies = new RequestBodyPool();
  app.addContentTypeParser([PROTOBUF, JSON_TYPE], (request, payload, done) =>
    readRequestBody(payload, request.headers['content-length'], bodyLimit, bodies, done),
  );
  app.addHook('preParsing', async (request, _reply, payload) =>
    decodeRequestBody(payload, request.headers['content-encoding']),
  );

  const tokenOf = addRequestGates(app, options);

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  addServiceRoutes(app, ingest, metrics);

  for (const { path, signal, itemName } of SIGNALS) {
    app.post(path, async (request, reply) => {
      const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      try {
        return await receive(request, reply, signal, itemName, body);
      } finally {
        bodies.giveBack(body);
      }
    });
  }

  /** An OTLP export: decoded, authorized against its identities, spooled, answered. */
  async function receive(
    request: FastifyRequest,
    reply: FastifyReply,
    signal: TelemetrySignal,
    itemName: 'Spans' | 'LogRecords',
    body: Buffer,
  ): Promise<FastifyReply> {
    const encoding = encodingOf(request);
    let decoded: ReturnType<typeof decodeOtlpBody>;
    try {
      decoded = decodeOtlpBody(signal, encoding, body, limits);
    } catch (error) {
      if (error instanceof OtlpDecodeError) {
        metrics.rejected.inc({ signal, reason: 'undecodable' });
        return sendStatus(
          reply,
          encoding,
          400,
          GRPC_INVALID_ARGUMENT,
          `invalid OTLP ${encoding} ${signal} request: ${error.message}`,
        );
      }
      throw error;
    }
    metrics.received.inc({ signal }, decoded.itemCount);
    try {
      authorizer.checkIdentities(tokenOf(request), decoded.identities);
    } catch (error) {
      metrics.rejected.inc({ signal, reason: 'forbidden' }, decoded.itemCount);
      throw error;
    }
    if (decoded.rejected > 0) metrics.rejected.inc({ signal, reason: 'invalid' }, decoded.rejected);
    if (decoded.decoded.rowCount > 0) {
      await ingest.accept(signal, encoding, body, decoded.decoded);
      metrics.accepted.inc({ signal }, decoded.decoded.rowCount);
    }
    return reply
      .code(200)
      .type(encoding === 'protobuf' ? PROTOBUF : JSON_TYPE)
      .send(encodeExportResponse(encoding, itemName, { rejected: decoded.rejected, message: decoded.message }));
  }

  for (const route of options.routes ?? []) await app.register(route);
  return app;
}

/**
 * Hooks every request passes: OTLP requests past `maxConcurrentRequests` are refused before their body is read, OTLP
 * requests need an ingest token and `/api/*` and `/metrics` a read one; every answer is counted. Returns the ingest
 * token a request was authenticated with.
 */
function addRequestGates(
  app: FastifyInstance,
  { authorizer, metrics, maxConcurrentRequests }: CollectorAppOptions,
): (request: FastifyRequest) => AuthToken | undefined {
  const tokens = new WeakMap<FastifyRequest, AuthToken | undefined>();
  const tokenOf = (request: FastifyRequest) => tokens.get(request);
  let inProgress = 0;
  const counted = new WeakSet<FastifyRequest>();
  const release = async (request: FastifyRequest) => {
    if (counted.delete(request)) inProgress -= 1;
  };
  app.addHook('onRequest', async (request) => {
    const url = request.url;
    if (url.startsWith('/v1/')) {
      // Refuse before reading the body: the point is to bound memory.
      if (inProgress >= maxConcurrentRequests) throw new TooManyRequestsError(maxConcurrentRequests);
      inProgress += 1;
      counted.add(request);
      tokens.set(request, authorizer.authenticate(request.headers.authorization, 'ingest'));
    } else if (url.startsWith('/api/') || url === '/metrics') {
      authorizer.authenticate(request.headers.authorization, 'read');
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    await release(request);
    metrics.requests.inc({ route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
  app.addHook('onRequestAbort', release);

  return tokenOf;
}

/** Health (`/healthz`, `/readyz`), Prometheus metrics, and the OTLP-shaped answer to an unknown route. */
function addServiceRoutes(app: FastifyInstance, ingest: TelemetryIngest, metrics: CollectorMetrics): void {
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .type(JSON_TYPE)
      .send(JSON.stringify({ code: 5, message: `no route for ${request.method} ${request.url}` }));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, reason } = await ingest.readiness();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', reason });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}

function encodingOf(request: FastifyRequest): OtlpEncoding {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith(PROTOBUF) ? 'protobuf' : 'json';
}

function sendStatus(
  reply: FastifyReply,
  encoding: OtlpEncoding,
  httpStatus: number,
  grpcCode: number,
  message: string,
): FastifyReply {
  return reply
    .code(httpStatus)
    .type(encoding === 'protobuf' ? PROTOBUF : JSON_TYPE)
    .send(encodeStatus(encoding, grpcCode, message));
}

/** Maps every failure to an OTLP status: 4xx for the client's mistakes, 429/503 + Retry-After when we cannot take it now. */
function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const encoding = encodingOf(request);
  if (error instanceof AuthError) {
    if (error.statusCode === 401) void reply.header('www-authenticate', 'Bearer');
    return sendStatus(
      reply,
      encoding,
      error.statusCode,
      error.statusCode === 401 ? GRPC_UNAUTHENTICATED : GRPC_PERMISSION_DENIED,
      error.message,
    );
  }
  if (error instanceof TooManyRequestsError) {
    void reply.header('retry-after', '1');
    return sendStatus(reply, encoding, 429, GRPC_RESOURCE_EXHAUSTED, error.message);
  }
  if (error instanceof SpoolFullError) {
    // Well under the OTel exporters' 10 s export timeout: a longer wait makes them drop the batch instead of retrying.
    void reply.header('retry-after', '2');
    return sendStatus(reply, encoding, 503, GRPC_UNAVAILABLE, `${error.message}; retry later`);
  }
  if (error instanceof IngestClosedError) {
    void reply.header('retry-after', '5').header('connection', 'close');
    return sendStatus(reply, encoding, 503, GRPC_UNAVAILABLE, error.message);
  }
  if (error instanceof RequestOverLimitError) {
    return sendStatus(reply, encoding, 413, GRPC_INVALID_ARGUMENT, error.message);
  }
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return sendStatus(
      reply,
      encoding,
      415,
      GRPC_INVALID_ARGUMENT,
      `unsupported Content-Type "${request.headers['content-type'] ?? ''}"; send application/x-protobuf or application/json`,
    );
  }
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return sendStatus(
      reply,
      encoding,
      400,
      GRPC_INVALID_ARGUMENT,
      `the gzip body could not be decompressed: ${e.message}`,
    );
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Over the limit: answer now and close the connection instead of reading (or inflating) the rest.
    if (e.statusCode === 413) void reply.header('connection', 'close');
    return sendStatus(reply, encoding, e.statusCode, GRPC_INVALID_ARGUMENT, e.message ?? 'bad request');
  }
  request.log.error({ err: error }, 'could not make the request durable');
  void reply.header('retry-after', '5');
  return sendStatus(
    reply,
    encoding,
    503,
    GRPC_UNAVAILABLE,
    `the request could not be stored now: ${e.message ?? String(error)}; retry later`,
  );
}
