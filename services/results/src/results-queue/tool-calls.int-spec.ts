import { randomUUID } from 'node:crypto';
import { analysisEventsStream, type PushEvent } from '@ultra/contracts';
import { Redis } from 'ioredis';
import { fourStagePattern } from '../testing/patterns';
import { answered, finishJob, ResultsJobs, stageRecord } from '../testing/results-jobs';
import { type ResultsTestApp, startResultsTestApp } from '../testing/results-test-app';

let app: ResultsTestApp;
let jobs: ResultsJobs;

beforeAll(async () => {
  app = await startResultsTestApp({ LOG_LEVEL: 'error' });
  jobs = new ResultsJobs(app, randomUUID());
});

afterAll(async () => {
  await jobs?.close();
  await app?.close();
});

const call = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' };
const direct = { ...fourStagePattern('direct'), stages: fourStagePattern().stages.slice(0, 1) };

describe('tool calls in results (direct analyses with tools)', () => {
  it("stores an output's tool calls and shows them, and the result's, in the view and the final event", async () => {
    const envelope = await jobs.createAnalysis(direct, ['openai:gpt-4o-mini']);
    const output = answered('openai:gpt-4o-mini', 'initial', {
      text: '',
      toolCalls: [call],
      finishReason: 'tool_calls',
    });
    await jobs.record(stageRecord(envelope, 'initial', 0, [output]));
    const result = { stage: 'initial', stageIndex: 0, model: 'openai:gpt-4o-mini', sample: 0, text: '', data: {} };
    await jobs.add(
      'analysis.finish',
      finishJob(envelope, {
        expectedOutputs: 1,
        expectedRuns: 1,
        result: { ...result, toolCalls: [call], finishReason: 'tool_calls' },
      }),
    );

    const view = await jobs.ended(envelope.analysisId);
    expect(view.status).toBe('completed');
    expect(view.result).toEqual({
      model: 'openai:gpt-4o-mini',
      text: '',
      stage: 'initial',
      toolCalls: [call],
      finishReason: 'tool_calls',
    });
    expect(view.stages[0]?.outputs[0]).toMatchObject({ status: 'completed', text: '', toolCalls: [call] });
    const [row] = await app.sql<{ tool_calls: unknown }>(
      'SELECT tool_calls FROM stage_outputs WHERE analysis_id = $1',
      [envelope.analysisId],
    );
    expect(row?.tool_calls).toEqual([call]);

    const reader = new Redis(app.redis.url);
    try {
      const entries = await reader.xrange(analysisEventsStream(app.redis.prefix, envelope.analysisId), '-', '+');
      const last = JSON.parse(entries.at(-1)![1][1]) as PushEvent;
      expect(last).toMatchObject({
        type: 'analysis.completed',
        result: { toolCalls: [call], finishReason: 'tool_calls' },
      });
    } finally {
      reader.disconnect();
    }
  });

  it('shows no tool fields for an answer without calls, and the finish reason it stopped for', async () => {
    const envelope = await jobs.createAnalysis(direct, ['openai:gpt-4o-mini']);
    await jobs.record(stageRecord(envelope, 'initial', 0, [answered('openai:gpt-4o-mini', 'initial')]));
    const result = { stage: 'initial', stageIndex: 0, model: 'openai:gpt-4o-mini', sample: 0, text: 'Hi', data: {} };
    await jobs.add(
      'analysis.finish',
      finishJob(envelope, { expectedOutputs: 1, expectedRuns: 1, result: { ...result, finishReason: 'stop' } }),
    );
    const view = await jobs.ended(envelope.analysisId);
    expect(view.result).toEqual({ model: 'openai:gpt-4o-mini', text: 'Hi', stage: 'initial', finishReason: 'stop' });
    expect(view.stages[0]?.outputs[0]).not.toHaveProperty('toolCalls');
  });
});
