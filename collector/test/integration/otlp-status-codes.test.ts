import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, sendHeadOnly } from '../support/raw-http.ts';
import { traceRequestBodies, logsRequestBodies } from '../support/otlp-request-bodies.ts';
import { startTestCollector, type TestCollector } from '../support/test-collector.ts';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const BODY_LIMIT = 256 * 1024;
// Above the deep-nesting case's 15,000 objects and arrays, which must reach the decoder's depth bound.
const JSON_CONTAINER_LIMIT = 20_000;

describe('OTLP/HTTP status codes', () => {
  let t: TestCollector;
  let traces: string;

  beforeAll(async () => {
    t = await startTestCollector({
      bodyLimitBytes: BODY_LIMIT,
      maxItemsPerRequest: 500,
      maxConcurrentRequests: 2,
      maxAttributeValueLength: 10,
      maxNameLength: 16,
      maxJsonContainersPerRequest: JSON_CONTAINER_LIMIT,
    });
    traces = `${t.collector.url}/v1/traces`;
  });

  afterAll(async () => {
    await t?.stop();
  });

  describe('200', () => {
    it("answers an empty ExportTraceServiceResponse in the request's encoding", async () => {
      const bodies = await traceRequestBodies({ service: 'ok-200', spans: 3 });
      const proto = await post(traces, bodies.protobuf, PROTOBUF);
      expect(proto.status).toBe(200);
      expect(proto.headers['content-type']).toBe('application/x-protobuf');
      expect(proto.body.length).toBe(0);
      const json = await post(traces, (await traceRequestBodies({ service: 'ok-200', spans: 2 })).json, JSON_TYPE);
      expect(json.status).toBe(200);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(json.body.toString())).toEqual({});
      expect(await t.collector.drain(5_000)).toBe(true);
      expect(await t.count('otel_traces', 'ok-200')).toBe(5);
    });

    it('accepts gzip bodies and log requests', async () => {
      const response = await post(
        `${t.collector.url}/v1/logs`,
        gzipSync((await logsRequestBodies({ service: 'gz-logs', records: 4 })).protobuf),
        { ...PROTOBUF, 'content-encoding': 'gzip' },
      );
      expect(response.status).toBe(200);
      expect(await t.collector.drain(5_000)).toBe(true);
      expect(await t.count('otel_logs', 'gz-logs')).toBe(4);
    });

    it('reports partial_success with the rejected count when some spans are invalid, and keeps the rest', async () => {
      const body = JSON.parse((await traceRequestBodies({ service: 'partial', spans: 3 })).json.toString());
      body.resourceSpans[0].scopeSpans[0].spans[1].traceId = '00000000000000000000000000000000';
      const response = await post(traces, JSON.stringify(body), JSON_TYPE);
      expect(response.status).toBe(200);
      const answer = JSON.parse(response.body.toString());
      expect(answer.partialSuccess.rejectedSpans).toBe('1');
      expect(answer.partialSuccess.errorMessage).toMatch(/traceId must be 16 bytes/);
      expect(await t.collector.drain(5_000)).toBe(true);
      expect(await t.count('otel_traces', 'partial')).toBe(2);
    });

    it('truncates attribute values past the limit and says so as a partial_success warning', async () => {
      const response = await post(
        traces,
        (await traceRequestBodies({ service: 'truncated', spans: 1, attributes: { note: 'x'.repeat(50) } })).json,
        JSON_TYPE,
      );
      const answer = JSON.parse(response.body.toString());
      expect(answer.partialSuccess.rejectedSpans ?? '0').toBe('0');
      expect(answer.partialSuccess.errorMessage).toMatch(/truncated/);
      expect(await t.collector.drain(5_000)).toBe(true);
      const result = await t.collector.storage.client.query({
        query: `SELECT SpanAttributes['note'] AS note FROM ${t.collector.storage.table('otel_traces')} WHERE ServiceName = 'truncated'`,
        format: 'JSONEachRow',
      });
      expect(await result.json()).toEqual([{ note: 'x'.repeat(10) }]);
    });

    it('truncates span, event and service names past the limit and says so as a partial_success warning', async () => {
      const body = JSON.parse((await traceRequestBodies({ service: 'long-names', spans: 1 })).json.toString());
      const resource = body.resourceSpans[0];
      resource.resource.attributes.find((a: { key: string }) => a.key === 'service.name').value.stringValue =
        `long-names-${'s'.repeat(50)}`;
      const span = resource.scopeSpans[0].spans[0];
      span.name = 'n'.repeat(50);
      span.events[0].name = 'e'.repeat(50);
      const response = await post(traces, JSON.stringify(body), JSON_TYPE);
      expect(response.status).toBe(200);
      const answer = JSON.parse(response.body.toString());
      expect(answer.partialSuccess.rejectedSpans ?? '0').toBe('0');
      expect(answer.partialSuccess.errorMessage).toMatch(/^3 attributes or names dropped or truncated/);
      expect(await t.collector.drain(5_000)).toBe(true);
      const result = await t.collector.storage.client.query({
        query: `SELECT ServiceName, SpanName, Events.Name AS events, ResourceAttributes['service.name'] AS resourceService FROM ${t.collector.storage.table('otel_traces')} WHERE ServiceName LIKE 'long-names%'`,
        format: 'JSONEachRow',
      });
      // The resource attribute keeps the whole name (token bindings are checked against it); the key column is cut.
      expect(await result.json()).toEqual([
        {
          ServiceName: 'long-names-sssss',
          SpanName: 'n'.repeat(16),
          events: ['e'.repeat(16)],
          resourceService: `long-names-${'s'.repeat(50)}`,
        },
      ]);
    });
  });

  describe('400', () => {
    it('answers undecodable protobuf with a google.rpc.Status and stores nothing', async () => {
      const response = await post(traces, Buffer.from([0x0a, 0xff, 0xff, 0x01]), PROTOBUF);
      expect(response.status).toBe(400);
      // google.rpc.Status: field 1 (code) = 3 (INVALID_ARGUMENT), then field 2 (message).
      expect([...response.body.subarray(0, 2)]).toEqual([0x08, 0x03]);
      expect(response.body.subarray(4).toString()).toMatch(/truncated protobuf message/);
    });

    it('answers malformed JSON with a message naming the problem', async () => {
      const response = await post(traces, '{"resourceSpans": [{"scopeSpans": 7}]}', JSON_TYPE);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body.toString())).toEqual({
        code: 3,
        message: expect.stringMatching(/\$\.resourceSpans\[0\]\.scopeSpans must be an array/),
      });
    });

    it('answers a corrupt gzip stream', async () => {
      const response = await post(traces, Buffer.from('not gzip at all'), { ...JSON_TYPE, 'content-encoding': 'gzip' });
      expect(response.status).toBe(400);
    });

    it('refuses attribute values nested deeper than the bound instead of overflowing the stack', async () => {
      const depth = 5_000;
      const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"leaf"}${']}}'.repeat(depth)}`;
      const body = `{"resourceSpans":[{"resource":{"attributes":[{"key":"deep","value":${value}}]},"scopeSpans":[]}]}`;
      const response = await post(traces, body, JSON_TYPE);
      expect(response.status).toBe(400);
      expect(response.body.toString()).toMatch(/nests deeper than 32 levels/);
    });
  });

  describe('413', () => {
    it('answers an announced oversized body before it is sent, and closes the connection', async () => {
      const head = `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${BODY_LIMIT * 100}\r\n\r\n`;
      const { response, closedByServer } = await sendHeadOnly(traces, head, 'abc');
      expect(response).toMatch(/^HTTP\/1\.1 413 /);
      expect(response.toLowerCase()).toContain('connection: close');
      expect(closedByServer).toBe(true);
    });

    it('stops a gzip bomb at the limit on the decompressed size', async () => {
      const bomb = gzipSync(Buffer.alloc(BODY_LIMIT * 40));
      expect(bomb.length).toBeLessThan(BODY_LIMIT);
      const response = await post(traces, bomb, { ...PROTOBUF, 'content-encoding': 'gzip' });
      expect(response.status).toBe(413);
      expect(response.headers.connection).toBe('close');
    });

    it('refuses a JSON body of more objects and arrays than the limit before parsing it', async () => {
      const body = JSON.parse((await traceRequestBodies({ service: 'json-flood', spans: 1 })).json.toString());
      body.resourceSpans[0].scopeSpans[0].spans[0].events = Array.from({ length: JSON_CONTAINER_LIMIT }, () => ({}));
      const text = JSON.stringify(body);
      expect(text.length).toBeLessThan(BODY_LIMIT);
      const response = await post(traces, text, JSON_TYPE);
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body.toString()).message).toMatch(
        /more than 20000 objects and arrays \(maxJsonContainersPerRequest\)/,
      );
      expect(await t.collector.drain(5_000)).toBe(true);
      expect(await t.count('otel_traces', 'json-flood')).toBe(0);
    });

    it('refuses more spans per request than the limit', async () => {
      const response = await post(
        traces,
        (await traceRequestBodies({ service: 'too-many', spans: 501 })).protobuf,
        PROTOBUF,
      );
      expect(response.status).toBe(413);
      expect(await t.count('otel_traces', 'too-many')).toBe(0);
    });
  });

  describe('415', () => {
    it('refuses other content types and content encodings', async () => {
      expect((await post(traces, 'hello', { 'content-type': 'text/plain' })).status).toBe(415);
      expect((await post(traces, 'hello', { ...JSON_TYPE, 'content-encoding': 'br' })).status).toBe(415);
    });
  });

  describe('429', () => {
    it('refuses requests past the concurrency bound with Retry-After, before reading their bodies', async () => {
      const head = `POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
      // Two requests that never finish their bodies hold both slots once the collector has read both heads. Until
      // then a request takes the free slot and is answered 200 (an empty request stores nothing): ask until refused.
      let held = false;
      const holders = [sendHeadOnly(traces, head, '{', 5_000), sendHeadOnly(traces, head, '{', 5_000)];
      void Promise.all(holders).then(() => {
        held = true;
      });
      let refused = await post(traces, '{}', JSON_TYPE);
      while (refused.status === 200 && !held) refused = await post(traces, '{}', JSON_TYPE);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      await Promise.all(holders);
      // Slots are given back when the held requests' clients give up and close.
      expect((await post(traces, '{}', JSON_TYPE)).status).toBe(200);
    }, 15_000);
  });

  describe('health', () => {
    it('answers /healthz and /readyz', async () => {
      expect((await fetch(`${t.collector.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${t.collector.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', reason: 'ok' });
    });
  });
});
