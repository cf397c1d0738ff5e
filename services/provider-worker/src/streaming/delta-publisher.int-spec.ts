import { analysisEventsStream, type PushEvent } from '@ultra/contracts';
import { Redis } from 'ioredis';
import type { PinoLogger } from 'nestjs-pino';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';
import type { WorkerConfig } from '../config/worker.config';
import { DeltaPublisher } from './delta-publisher.service';

const analysisId = '00000000-0000-4000-8000-00000000d17a';
const source = { stage: 'answer', stageIndex: 0, model: 'mock:alpha', sample: 0 };
const FLUSH_MS = 200;

describe('DeltaPublisher (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let publisher: DeltaPublisher;
  let key: string;

  beforeAll(async () => {
    testRedis = await useTestRedis();
    redis = new Redis(testRedis.url);
    const config = { QUEUE_PREFIX: testRedis.prefix, DELTA_FLUSH_MS: FLUSH_MS, ANALYSIS_EVENTS_TTL_S: 60 };
    const logger = { warn: () => undefined } as unknown as PinoLogger;
    publisher = new DeltaPublisher(redis, config as WorkerConfig, logger);
    key = analysisEventsStream(testRedis.prefix, analysisId);
  });

  afterEach(async () => {
    await redis.del(key);
  });

  afterAll(async () => {
    redis.disconnect();
    await testRedis.stop();
  });

  const events = async (): Promise<PushEvent[]> =>
    ((await redis.xrange(key, '-', '+')) as [string, string[]][]).map(
      ([, fields]) => JSON.parse(fields[1]) as PushEvent,
    );
  const texts = async () => (await events()).map((e) => (e.type === 'output.delta' ? e.text : e.type));

  it('writes the first piece at once, then batches the rest within DELTA_FLUSH_MS', async () => {
    const sink = publisher.open(analysisId, source, 1);
    sink.push('');
    sink.push('Hel');
    sink.push('lo');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    // Both pieces of the first read went together, long before the flush interval.
    expect(await texts()).toEqual(['Hello']);
    sink.push(' wor');
    sink.push('ld');
    await new Promise((r) => setTimeout(r, 20));
    expect(await texts()).toEqual(['Hello']);
    await new Promise((r) => setTimeout(r, FLUSH_MS + 50));
    expect(await texts()).toEqual(['Hello', ' world']);
    await sink.close('done', { usage: { inputTokens: 1, outputTokens: 2 } });
    expect(await texts()).toEqual(['Hello', ' world', 'output.completed']);
  });

  it('writes a piece that comes after a quiet interval at once, and batches the next ones again', async () => {
    const sink = publisher.open(analysisId, source, 1);
    sink.push('One.');
    await new Promise((r) => setTimeout(r, FLUSH_MS + 50));
    expect(await texts()).toEqual(['One.']);
    // A token slower than the interval: no waiting for a timer.
    sink.push(' Two.');
    await new Promise((r) => setTimeout(r, 20));
    expect(await texts()).toEqual(['One.', ' Two.']);
    // Right after that write, the next pieces wait for the rest of the interval, together.
    sink.push(' Three');
    sink.push('.');
    await new Promise((r) => setTimeout(r, 20));
    expect(await texts()).toEqual(['One.', ' Two.']);
    await new Promise((r) => setTimeout(r, FLUSH_MS));
    expect(await texts()).toEqual(['One.', ' Two.', ' Three.']);
    await sink.close('done');
  });

  it('writes an answer that ends at once in one write: its text, then the end', async () => {
    const sink = publisher.open(analysisId, source, 1);
    sink.push('All ');
    sink.push('at once.');
    await sink.close('done', { finishReason: 'stop' });
    expect(await texts()).toEqual(['All at once.', 'output.completed']);
    await new Promise((r) => setTimeout(r, FLUSH_MS + 50));
    expect(await texts()).toHaveLength(2);
  });
});
