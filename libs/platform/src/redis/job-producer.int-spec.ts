import { randomUUID } from 'node:crypto';
import { BullModule } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AnalysisErrorCode, QueueName, SCHEMA_VERSION } from '@ultra/contracts';
import { Queue } from 'bullmq';
import { InfoStallingProxy } from '../../../../test/support/info-stalling-proxy';
import { type TestRedis, useTestRedis } from '../../../../test/support/redis';
import { ConfigModule } from '../config/config.module';
import { JobProducer } from './job-producer';
import { QueueModule } from './queue.module';
import { failFastRedisOptions, redisOptionsFromUrl } from './redis-options';

const FAIL_FAST_MS = 300;

let redis: TestRedis;
let proxy: InfoStallingProxy;
let app: INestApplicationContext | undefined;

beforeAll(async () => {
  redis = await useTestRedis();
  const target = new URL(redis.url);
  proxy = await InfoStallingProxy.start({ host: target.hostname, port: Number(target.port || 6379) }, 4 * FAIL_FAST_MS);
});

afterAll(async () => {
  await app?.close();
  await proxy?.close();
  await redis?.stop();
});

/** A producing service as the gateway is one: fail-fast Redis, the results queue registered. */
async function producerApp(redisUrl: string): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(
    {
      module: class SpecModule {},
      imports: [
        ConfigModule.forValue({ REDIS_URL: redisUrl, QUEUE_PREFIX: redis.prefix }),
        QueueModule.forRoot({ failFastMs: FAIL_FAST_MS }),
        BullModule.registerQueue({ name: QueueName.Results }),
      ],
    },
    { logger: false },
  );
  await context.init();
  return context;
}

const terminate = (analysisId: string) =>
  ({
    schemaVersion: SCHEMA_VERSION,
    analysisId,
    requestId: `req-${analysisId}`,
    code: AnalysisErrorCode.Cancelled,
    message: 'the analysis was cancelled',
  }) as const;

describe('JobProducer on fail-fast Redis connections', () => {
  it('adds jobs although Redis answered slower than the fail-fast timeout while the queues connected', async () => {
    // BullMQ checks the Redis version once per connection; had that check timed out (as on a loaded machine), the
    // queue would reject every job ever after with the first error: the gateway answered 503 until restarted.
    app = await producerApp(proxy.url);
    const producer = app.get(JobProducer);
    const id = randomUUID();
    await producer.add('analysis.terminate', terminate(id), { jobId: `${id}_cancel` });
    const results = new Queue(QueueName.Results, { connection: redisOptionsFromUrl(redis.url), prefix: redis.prefix });
    try {
      expect((await results.getJob(`${id}_cancel`))?.data).toMatchObject({ analysisId: id, code: 'cancelled' });
    } finally {
      await results.close();
    }
  });

  it('(the proxy reproduces what it guards against: a queue whose version check timed out rejects every job)', async () => {
    const connection = { ...failFastRedisOptions(proxy.url, FAIL_FAST_MS), skipVersionCheck: false };
    const queue = new Queue('spec-unguarded', { connection, prefix: redis.prefix });
    queue.on('error', () => undefined);
    try {
      await expect(queue.add('job', {})).rejects.toThrow('Command timed out');
      // Long after Redis has answered the stalled check, the queue still fails with it.
      await new Promise((resolve) => setTimeout(resolve, proxy.stallMs + 500));
      await expect(queue.add('job', {})).rejects.toThrow('Command timed out');
    } finally {
      await queue.close().catch(() => undefined);
    }
  });
});
