import { randomUUID } from 'node:crypto';
import type { AnalysisView, AnalyzeAccepted, ApiErrorBody } from '@ultra/contracts';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { FakeSentry } from '../support/fake-sentry';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { readSse } from '../support/sse';
import { TestStack } from '../support/stack';

const SERVICES = ['ultra-gateway', 'ultra-orchestrator', 'ultra-provider-worker', 'ultra-results'];
const CLIENT = 3; // OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
const TRACE_ID = /^[\da-f]{32}$/;

describe('one trace from the request to every model call, and errors reported to Sentry', () => {
  let receiver: OtlpReceiver;
  let sentry: FakeSentry;
  let stack: TestStack;
  let user: ApiClient;
  let analysis: AnalysisView;
  let traceId: string;
  let streamToken: string;
  const prompt = `Tracing run ${randomUUID()}: is this prompt kept out of every export?`;

  const parentOf = (spans: ReceivedSpan[], span: ReceivedSpan) => spans.find((s) => s.spanId === span.parentSpanId);

  beforeAll(async () => {
    [receiver, sentry] = await Promise.all([OtlpReceiver.start(), FakeSentry.start()]);
    stack = await TestStack.start({
      workers: 2,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        SENTRY_DSN: sentry.dsn,
        SENTRY_ENVIRONMENT: 'e2e',
        MOCK_FAIL_MODELS: 'mock:gamma',
        MODEL_CALL_ATTEMPTS: '2',
      },
    });
    user = await new ApiClient(stack.baseUrl).registerUser();
    const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
      prompt,
      models: ['mock:alpha', 'mock:beta', 'mock:gamma'],
      pattern: 'critique',
      cache: false,
      options: { quorum: 2 },
    });
    if (accepted.status !== 202) throw new Error(`analyze: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    analysis = await user.waitForAnalysis(accepted.body.id);
    expect(analysis.status).toBe('completed');
    // The analysis' trace: the one its start job ran in; complete once results has processed the finish.
    const start = await eventually('the analysis.start span', () =>
      receiver.spans.find(
        (s) => s.name === 'process analysis.start' && s.attributes['ultra.analysis.id'] === analysis.id,
      ),
    );
    traceId = start.traceId;
    await eventually('the finish stored by results', () =>
      receiver.trace(traceId).some((s) => s.service === 'ultra-results' && s.name === 'process analysis.finish'),
    );
    // A stream read with its token in the URL, as browsers do: the token must not reach any span.
    const issued = await user.request<{ token: string }>('POST', `/api/analyses/${analysis.id}/stream-token`);
    streamToken = issued.body.token;
    expect((await readSse(`${stack.baseUrl}/api/analyses/${analysis.id}/events?token=${streamToken}`)).status).toBe(
      200,
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([receiver?.close(), sentry?.close()]);
  });

  it('starts at the gateway request and spans all four services', async () => {
    const spans = receiver.trace(traceId);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(SERVICES));
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ service: 'ultra-gateway', kind: 2 });
    expect(JSON.stringify(roots[0].attributes)).toContain('/api/analyze');
    // Each queue hop continues the trace: every consumer span has its producer's span as parent.
    for (const consumer of spans.filter((s) => s.name.startsWith('process '))) {
      expect({ span: consumer.name, parent: parentOf(spans, consumer) !== undefined }).toEqual({
        span: consumer.name,
        parent: true,
      });
    }
    // Instrumented clients below the job spans: Postgres in results, Redis in the gateway.
    const db = (s: ReceivedSpan) => s.attributes['db.system.name'] ?? s.attributes['db.system'];
    expect(spans.some((s) => s.service === 'ultra-results' && db(s) === 'postgresql')).toBe(true);
    expect(spans.some((s) => s.service === 'ultra-gateway' && db(s) === 'redis')).toBe(true);
    // Credentials in query strings never leave: the stream's token is replaced.
    await eventually('the stream request span', () => JSON.stringify(receiver.spans).includes('token=REDACTED'));
    const exported = JSON.stringify(receiver.spans);
    expect(exported.includes(streamToken)).toBe(false);
    expect(exported.includes(user.token ?? 'no token')).toBe(false);
  });

  it('has a span per stage run and one GenAI span per model call, under its stage', () => {
    const spans = receiver.trace(traceId);
    const generated = analysis.stages.filter((s) => s.kind === 'generate');
    const stageSpans = spans.filter((s) => s.service === 'ultra-orchestrator' && s.name.startsWith('stage '));
    expect(stageSpans.map((s) => s.attributes['ultra.stage']).sort()).toEqual(generated.map((s) => s.id).sort());

    const calls = spans.filter((s) => s.kind === CLIENT && s.name.startsWith('chat '));
    const answered = generated.flatMap((s) => s.outputs).filter((o) => o.status === 'completed');
    const ok = calls.filter((s) => s.status?.code !== 2);
    expect(ok).toHaveLength(answered.length);
    for (const call of ok) {
      expect(call.service).toBe('ultra-provider-worker');
      expect(call.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'mock',
        'ultra.pattern': 'critique',
        'ultra.attempt': 1,
      });
      expect(call.attributes['gen_ai.request.model']).toEqual(expect.any(String));
      expect(call.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(call.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      const job = parentOf(spans, call);
      expect(job?.name).toBe('process model.call');
      const stage = job && parentOf(spans, job);
      expect(stage?.name).toBe(`stage ${String(call.attributes['ultra.stage'])}`);
    }
    // The failing model: one span per try, each failed with its category.
    const failed = calls.filter((s) => s.status?.code === 2);
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const call of failed) {
      expect(call.attributes['ultra.model']).toBe('mock:gamma');
      expect(call.attributes['ultra.error.category']).toEqual(expect.any(String));
      expect(call.attributes['error.type']).toBe(call.attributes['ultra.error.category']);
    }
    expect(new Set(failed.map((s) => s.attributes['ultra.attempt']))).toEqual(new Set([1, 2]));
  });

  it('exports no prompt or answer', () => {
    const exported = JSON.stringify(receiver.spans);
    expect(exported.includes(prompt)).toBe(false);
    const answer = analysis.result?.text ?? '';
    expect(answer.length).toBeGreaterThan(20);
    expect(exported.includes(answer)).toBe(false);
  });

  it("writes the trace id into the services' log lines of the analysis", () => {
    const orchestrator = stack.service('orchestrator');
    const launched = orchestrator.lines.filter((l) => l.analysisId === analysis.id && l.msg === 'stage launched');
    expect(launched.length).toBeGreaterThan(0);
    for (const line of launched) expect(line.traceId).toBe(traceId);
    const workerLines = stack.workers.flatMap((w) => w.lines).filter((l) => l.analysisId === analysis.id);
    expect(workerLines.length).toBeGreaterThan(0);
    expect(workerLines.every((l) => l.traceId === traceId)).toBe(true);
  });

  it('puts the trace id into error bodies, and it finds the request', async () => {
    const missing = await user.request<ApiErrorBody>('GET', `/api/analyses/${randomUUID()}`);
    expect(missing.status).toBe(404);
    const id = missing.body.error.traceId ?? '';
    expect(id).toMatch(TRACE_ID);
    await eventually('the 404 request span', () =>
      receiver.trace(id).some((s) => s.service === 'ultra-gateway' && s.kind === 2),
    );
    // Refused before any route (a badly encoded URL), and a body that is not JSON: traced all the same.
    const badUrl = await user.request<ApiErrorBody>('GET', '/api/analyses/%zz');
    const badJson = await user.request<ApiErrorBody>('POST', '/api/analyze', '{"prompt":', {
      'content-type': 'application/json',
    });
    for (const refused of [badUrl, badJson]) {
      expect(refused.status).toBe(400);
      expect(refused.body.error.traceId).toMatch(TRACE_ID);
    }
    expect(badUrl.body.error.traceId).not.toBe(badJson.body.error.traceId);
  });

  it('reports an unexpected gateway error to Sentry with its ids and without secrets', async () => {
    const db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query('ALTER TABLE user_defaults RENAME TO user_defaults_gone');
      const failed = await user.request<ApiErrorBody>('GET', '/api/users/me/defaults', undefined, {
        'x-request-id': 'sentry-probe-1',
      });
      expect(failed.status).toBe(500);
      expect(failed.body.error).toMatchObject({ code: 'internal_error', message: 'internal error' });
      const event = await eventually('the Sentry event', () =>
        sentry.events.find((e) => e.event.tags?.request_id === 'sentry-probe-1'),
      );
      expect(event.event.tags).toMatchObject({ service: 'gateway', trace_id: failed.body.error.traceId });
      expect(event.event.tags?.where).toBe('GET /api/users/me/defaults');
      expect(event.event.release).toBe('ultra@0.1.0');
      expect(event.event.environment).toBe('e2e');
      expect(event.event.contexts?.trace?.trace_id).toBe(failed.body.error.traceId);
      expect(event.event.exception?.values?.length).toBeGreaterThan(0);
      expect(event.event.request).toBeUndefined();
      expect(event.raw).not.toContain(user.token ?? 'no token');
      expect(event.raw).not.toContain('authorization');
    } finally {
      await db.query('ALTER TABLE user_defaults_gone RENAME TO user_defaults');
      await db.end();
    }
  });

  it('reports a job that breaks its contract from the orchestrator, secrets scrubbed', async () => {
    const queue = new Queue('analyses', { connection: { url: stack.env.REDIS_URL }, prefix: stack.env.QUEUE_PREFIX });
    const secret = `sk-live-${randomUUID()}`;
    try {
      await queue.add('analysis.start', {
        schemaVersion: 2,
        analysisId: `not-a-uuid Bearer ${secret}`,
        requestId: 'sentry-probe-2',
      });
    } finally {
      await queue.close();
    }
    const event = await eventually('the orchestrator Sentry event', () =>
      sentry.events.find((e) => e.event.tags?.request_id === 'sentry-probe-2'),
    );
    expect(event.event.tags).toMatchObject({ service: 'orchestrator', where: 'analyses/analysis.start' });
    expect(event.event.tags?.trace_id).toMatch(TRACE_ID);
    expect(event.raw).not.toContain(secret);
  });

  it('sends nothing to Sentry for expected failures (the failing model, 4xx answers)', () => {
    const services = new Set(sentry.events.map((e) => e.event.tags?.request_id));
    expect([...services].sort()).toEqual(['sentry-probe-1', 'sentry-probe-2']);
  });
});
