import type { AnalysisView, OutputView, StageView } from '@ultra/contracts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../api-client.js';
import { followAnalysis } from './analysis-follower.js';
import { PlainProgressView } from './progress-view.js';

const usage = { inputTokens: 10, outputTokens: 5, costUsd: 0 };
const output = (model: string, status: 'completed' | 'failed' = 'completed'): OutputView => ({
  model,
  sample: 0,
  status,
  text: status === 'completed' ? 'answer' : null,
  latencyMs: 1,
  usage,
  ...(status === 'failed' && { error: { category: 'timeout', message: `${model} timed out` } }),
});
const stage = (id: string, index: number | null, outputs: OutputView[]): StageView => ({
  name: id,
  id,
  label: id,
  kind: 'generate',
  index,
  round: 1,
  status: index === null ? 'pending' : 'completed',
  outputs,
  usage,
});
const view = (status: AnalysisView['status'], stages: StageView[]): AnalysisView =>
  ({ id: 'an-1', status, stages, models: ['mock:alpha', 'mock:beta'], result: null }) as unknown as AnalysisView;

describe('followAnalysis without an event stream', () => {
  let server: Server;
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('polls the analysis and reports each stage and output once, then returns the final view', async () => {
    const snapshots = [
      view('queued', [stage('initial', null, []), stage('ultra', null, [])]),
      view('running', [
        stage('initial', 0, [output('mock:alpha'), output('mock:beta', 'failed')]),
        stage('ultra', null, []),
      ]),
      view('running', [
        stage('initial', 0, [output('mock:alpha'), output('mock:beta', 'failed')]),
        stage('ultra', null, []),
      ]),
      view('completed', [
        stage('initial', 0, [output('mock:alpha'), output('mock:beta', 'failed')]),
        stage('ultra', 1, [output('mock:alpha')]),
      ]),
    ];
    let polls = 0;
    server = createServer((req, res) => {
      if (req.url?.endsWith('/events')) {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end('{"error":{"code":"not_found","message":"no route"}}');
        return;
      }
      const snapshot = snapshots[Math.min(polls++, snapshots.length - 1)];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(snapshot));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new ApiClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: 't',
      tokenFromEnv: true,
    });
    const lines: string[] = [];
    let polling = 0;
    const final = await followAnalysis(client, 'an-1', new PlainProgressView((t) => lines.push(t.trimEnd())), {
      pollIntervalMs: 1,
      onPolling: () => polling++,
    });
    expect(final.status).toBe('completed');
    expect(polling).toBe(1);
    expect(lines).toEqual([
      'analysis an-1 started',
      'stage initial started: mock:alpha, mock:beta',
      'initial · mock:alpha done, 5 tokens',
      'initial · mock:beta failed: timeout: mock:beta timed out',
      'stage initial completed',
      'stage ultra started',
      'ultra · mock:alpha done, 5 tokens',
      'stage ultra completed',
      'analysis an-1 completed',
    ]);
  });
});
