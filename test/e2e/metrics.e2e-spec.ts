import type { AnalysisView, AnalyzeAccepted } from '@ultra/contracts';
import { ApiClient } from '../support/api';
import { metricNamesOf, observabilityExpressions } from '../support/observability-config';
import { type MetricFamily, scrape, seriesOf, total } from '../support/prometheus';
import type { ServiceProcess } from '../support/service-process';
import { TestStack } from '../support/stack';

const models = ['mock:alpha', 'mock:beta'];

/** Where a service without an HTTP API serves its metrics, from the line it logs at boot. */
async function metricsUrlOf(service: ServiceProcess): Promise<string> {
  const line = await service.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('metrics on'));
  const port = /:(\d+)\/metrics$/.exec(String(line.msg))?.[1];
  return `http://127.0.0.1:${port}/metrics`;
}
const RUNS = 2;

describe('Prometheus metrics of all four services after a run', () => {
  let stack: TestStack;
  let done: AnalysisView[];
  const scraped: Record<string, MetricFamily[]> = {};

  beforeAll(async () => {
    stack = await TestStack.start();
    const user = await new ApiClient(stack.baseUrl).registerUser();
    done = [];
    for (let i = 0; i < RUNS; i++) {
      const accepted = await user.request<AnalyzeAccepted>('POST', '/api/analyze', {
        prompt: `Metrics run ${i}`,
        models,
        pattern: 'critique',
      });
      expect(accepted.status).toBe(202);
      done.push(await user.waitForAnalysis(accepted.body.id));
    }
    // The results service counts an analysis when it stores the end, which the API reads: already done here.
    scraped.gateway = await scrape(`${stack.baseUrl}/metrics`);
    scraped.results = await scrape(`${stack.env.RESULTS_URL}/metrics`);
    scraped.orchestrator = await scrape(`http://127.0.0.1:${stack.orchestratorEnv.METRICS_PORT}/metrics`);
    scraped['provider-worker'] = await scrape(await metricsUrlOf(stack.workers[0]));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('labels every series with its service and exposes the process defaults', () => {
    for (const [service, families] of Object.entries(scraped)) {
      for (const name of [
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
        'process_resident_memory_bytes',
      ]) {
        expect({ service, name, series: seriesOf(families, name, { service }).length }).toEqual({
          service,
          name,
          series: 1,
        });
      }
    }
  });

  it('times HTTP requests by route template on the gateway and results', () => {
    const gateway = scraped.gateway;
    expect(
      total(gateway, 'http_request_duration_seconds', { method: 'POST', route: '/api/analyze', status_code: '202' }),
    ).toBe(RUNS);
    // Polled by id, counted under the template: no series carries an analysis id.
    expect(total(gateway, 'http_request_duration_seconds', { route: '/api/analyses/:id' })).toBeGreaterThan(0);
    const routes = seriesOf(gateway, 'http_request_duration_seconds_count').map((m) => m.labels?.route ?? '');
    for (const id of done.map((a) => a.id)) expect(routes.some((r) => r.includes(id))).toBe(false);
    expect(total(scraped.results, 'http_request_duration_seconds')).toBeGreaterThan(0);
  });

  it('counts analyses by pattern and status, with their duration, on results', () => {
    expect(done.every((a) => a.status === 'completed')).toBe(true);
    const results = scraped.results;
    expect(total(results, 'ultra_analyses_total', { pattern: 'critique', status: 'completed' })).toBe(RUNS);
    expect(total(results, 'ultra_analysis_duration_seconds', { pattern: 'critique' })).toBe(RUNS);
    expect(total(results, 'bullmq_job_duration_seconds', { queue: 'results' })).toBeGreaterThan(0);
  });

  it('counts every provider call, its tokens and the queue work on the worker', () => {
    const worker = scraped['provider-worker'];
    const outputs = done.flatMap((a) => a.stages.flatMap((s) => s.outputs));
    const calls = total(worker, 'ultra_provider_call_duration_seconds', { provider: 'mock', outcome: 'success' });
    expect(calls).toBe(outputs.length);
    const inputTokens = outputs.reduce((sum, o) => sum + o.usage.inputTokens, 0);
    expect(total(worker, 'ultra_provider_tokens_total', { provider: 'mock', direction: 'in' })).toBe(inputTokens);
    expect(total(worker, 'ultra_provider_errors_total')).toBe(0);
    expect(total(worker, 'bullmq_job_duration_seconds', { queue: 'model-tasks' })).toBe(outputs.length);
    expect(
      seriesOf(worker, 'bullmq_queue_jobs', { queue: 'model-tasks' })
        .map((m) => m.labels?.state)
        .sort(),
    ).toEqual(['active', 'delayed', 'failed', 'waiting']);
  });

  it('times the orchestrator steps and reads its queue depth', () => {
    const orchestrator = scraped.orchestrator;
    expect(total(orchestrator, 'bullmq_job_duration_seconds', { queue: 'analyses' })).toBeGreaterThan(0);
    expect(total(orchestrator, 'bullmq_queue_jobs', { queue: 'analyses', state: 'failed' })).toBe(0);
  });

  it('reports the open event streams of the gateway', () => {
    expect(seriesOf(scraped.gateway, 'ultra_sse_connections')).toHaveLength(1);
  });

  it('exposes every series the alert rules and the Grafana dashboard of deploy/observability read', () => {
    const exposed = new Set(
      Object.values(scraped).flatMap((families) => families.map((f) => f.name.replace(/_(bucket|count|sum)$/, ''))),
    );
    const expressions = observabilityExpressions();
    expect(expressions.length).toBeGreaterThanOrEqual(20);
    const missing = expressions.flatMap(({ where, expr }) =>
      metricNamesOf(expr)
        .filter((name) => !exposed.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
  });
});
