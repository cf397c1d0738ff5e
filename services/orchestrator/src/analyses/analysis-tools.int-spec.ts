import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import {
  type AnalysisFinishJob,
  type AnalysisStartJob,
  type ModelCallJob,
  type ModelCallResult,
  type PatternSpecInput,
  QueueName,
  SCHEMA_VERSION,
  type StageRecordJob,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { type Job, Queue, Worker } from 'bullmq';
import { parse } from 'yaml';
import { eventually } from '../../../../test/support/eventually';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';
import { stateOf } from '../testing/pattern-state';

const direct = stateOf(
  parse(readFileSync(join(__dirname, '../../../../config/patterns/direct.yaml'), 'utf8')) as PatternSpecInput,
).spec;
const weather = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const call = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' };

/** A provider-worker stand-in: with tools it asks for the weather, as a model would. */
function answer(job: Job<ModelCallJob>): Promise<ModelCallResult> {
  const { model, sample, options } = job.data;
  const tools = Boolean(options.tools?.length);
  return Promise.resolve({
    model,
    sample,
    status: 'completed',
    text: tools ? '' : `${model} answered`,
    error: null,
    latencyMs: 3,
    usage: { inputTokens: 10, outputTokens: 4 },
    finishReason: tools ? 'tool_calls' : 'stop',
    ...(tools && { toolCalls: [call] }),
  });
}

describe('a direct analysis with a conversation and tools, on real Redis', () => {
  let redis: TestRedis;
  let app: INestApplicationContext;
  let queues: { analyses: Queue; results: Queue; modelTasks: Queue };
  let fakeWorker: Worker<ModelCallJob, ModelCallResult>;

  beforeAll(async () => {
    redis = await useTestRedis();
    Object.assign(process.env, { REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'silent' });
    const { AppModule } = await import('../app.module.js');
    const { NestFactory } = await import('@nestjs/core');
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();
    const bull = { connection: redisOptionsFromUrl(redis.url), prefix: redis.prefix };
    queues = {
      analyses: new Queue(QueueName.Analyses, bull),
      results: new Queue(QueueName.Results, bull),
      modelTasks: new Queue(QueueName.ModelTasks, bull),
    };
    fakeWorker = new Worker(QueueName.ModelTasks, answer, { ...bull, concurrency: 4 });
  });

  afterAll(async () => {
    await fakeWorker?.close();
    await Promise.all(Object.values(queues ?? {}).map((q) => q.close()));
    await app?.close();
    await redis?.stop();
  });

  it('passes tools and turns to the call and hands the tool calls to the finish', async () => {
    const id = randomUUID();
    const conversation = [
      { role: 'user' as const, content: 'Weather in Paris?' },
      { role: 'assistant' as const, content: '', toolCalls: [call] },
      { role: 'tool' as const, content: '18°C', toolCallId: 'call_1' },
      { role: 'user' as const, content: 'And tomorrow?' },
    ];
    const data: AnalysisStartJob = {
      schemaVersion: SCHEMA_VERSION,
      analysisId: id,
      requestId: 'req-tools',
      spec: {
        ...direct,
        prompt: 'And tomorrow?',
        models: ['openai:gpt-4o-mini'],
        ultraModel: 'openai:gpt-4o-mini',
        system: 'Be brief.',
        conversation,
        tools: [weather],
        toolChoice: 'required',
      },
    };
    await queues.analyses.add('analysis.start', data, { jobId: id });

    const finish = (await eventually('finish', () => queues.results.getJob(`${id}_finish`))).data as AnalysisFinishJob;
    expect(finish).toMatchObject({
      status: 'completed',
      result: { stage: 'answer', text: '', toolCalls: [call], finishReason: 'tool_calls' },
    });
    const modelCall = (await queues.modelTasks.getJob(`${id}_0_0`))!.data as ModelCallJob;
    expect(modelCall.options).toMatchObject({ tools: [weather], toolChoice: 'required' });
    expect(modelCall.messages).toEqual([{ role: 'system', content: 'Be brief.' }, ...conversation]);
    const record = (await eventually('record', () => queues.results.getJob(`${id}_0_record`))).data as StageRecordJob;
    expect(record.outputs[0]).toMatchObject({ toolCalls: [call], finishReason: 'tool_calls' });
  });
});
