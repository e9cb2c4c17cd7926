import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { SinkClosedError, SinkSaturatedError, type SpanSink } from '../ingest/span-sink.ts';
import { OtlpDecodeError, type DecodedResourceSpans } from '../otlp/decoded-spans.ts';
import { decodeTraceRequestJson } from '../otlp/otlp-json-decoder.ts';
import { decodeTraceRequestProtobuf } from '../otlp/otlp-protobuf-decoder.ts';
import {
  encodeExportResponse,
  encodeStatus,
  GRPC_INVALID_ARGUMENT,
  GRPC_RESOURCE_EXHAUSTED,
  GRPC_UNAVAILABLE,
  type OtlpEncoding,
} from '../otlp/otlp-response-encoder.ts';
import { mapToSpanRows } from '../otlp/span-row-mapper.ts';
import { decodeRequestBody } from './gzip-request-decoding.ts';

export interface CollectorAppOptions {
  sink: SpanSink;
  /** A pino logger; omit for no request logging. */
  logger?: FastifyBaseLogger;
  /** Largest request body accepted, compressed and decompressed alike. Default 20 MiB (the OTel Collector's). */
  bodyLimitBytes?: number;
}

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** Builds the collector's HTTP app (OTLP/HTTP receiver + health); `listen` is the caller's. */
export function buildCollectorApp(options: CollectorAppOptions) {
  const bodyLimit = options.bodyLimitBytes ?? 20 * 1024 * 1024;
  const app = Fastify({
    bodyLimit,
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
  });

  app.removeAllContentTypeParsers();
  // Bodies arrive as buffers; decoding errors are answered by the route in the request's own encoding.
  app.addContentTypeParser([PROTOBUF, JSON_TYPE], { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
  app.addHook('preParsing', async (request, _reply, payload) => decodeRequestBody(payload, request.headers['content-encoding']));

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).type(JSON_TYPE).send(JSON.stringify({ code: 5, message: `no route for ${request.method} ${request.url}` }));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.post('/v1/traces', async (request, reply) => {
    const encoding = encodingOf(request);
    let decoded: DecodedResourceSpans[];
    try {
      const body = request.body as Buffer;
      decoded = encoding === 'protobuf' ? decodeTraceRequestProtobuf(body) : decodeTraceRequestJson(body);
    } catch (error) {
      if (error instanceof OtlpDecodeError) return sendStatus(reply, encoding, 400, GRPC_INVALID_ARGUMENT, `invalid OTLP ${encoding} trace request: ${error.message}`);
      throw error;
    }
    const mapped = mapToSpanRows(decoded);
    await options.sink.write(mapped.rows);
    return reply
      .code(200)
      .type(encoding === 'protobuf' ? PROTOBUF : JSON_TYPE)
      .send(encodeExportResponse(encoding, 'Spans', { rejected: mapped.rejected, message: mapped.rejectionMessage }));
  });

  return app;
}

function encodingOf(request: FastifyRequest): OtlpEncoding {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith(PROTOBUF) ? 'protobuf' : 'json';
}

function sendStatus(reply: FastifyReply, encoding: OtlpEncoding, httpStatus: number, grpcCode: number, message: string): FastifyReply {
  return reply
    .code(httpStatus)
    .type(encoding === 'protobuf' ? PROTOBUF : JSON_TYPE)
    .send(encodeStatus(encoding, grpcCode, message));
}

/** Maps every failure to an OTLP status: 4xx for the client's mistakes, 503 + Retry-After when we cannot store now. */
function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const encoding = encodingOf(request);
  if (error instanceof SinkSaturatedError) {
    void reply.header('retry-after', String(error.retryAfterSeconds));
    return sendStatus(reply, encoding, 503, GRPC_RESOURCE_EXHAUSTED, `collector is saturated: ${error.message}; retry later`);
  }
  if (error instanceof SinkClosedError) {
    void reply.header('retry-after', '5').header('connection', 'close');
    return sendStatus(reply, encoding, 503, GRPC_UNAVAILABLE, error.message);
  }
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return sendStatus(reply, encoding, 400, GRPC_INVALID_ARGUMENT, `the gzip body could not be decompressed: ${e.message}`);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) void reply.header('connection', 'close');
    return sendStatus(reply, encoding, e.statusCode, GRPC_INVALID_ARGUMENT, e.message ?? 'bad request');
  }
  request.log.error({ err: error }, 'could not store spans');
  void reply.header('retry-after', '5');
  return sendStatus(reply, encoding, 503, GRPC_UNAVAILABLE, `spans could not be stored now: ${e.message ?? String(error)}; retry later`);
}
