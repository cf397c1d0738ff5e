import { Logger } from '@nestjs/common';
import { type AnalysisStartJob, InvalidJobError } from '@ultra/contracts';
import type { ModuleRef } from '@nestjs/core';
import { JobProducer } from '@ultra/platform';
import { ApiException } from '../common/api-exception';
import { analysisSpec } from '../testing/test-patterns';
import { AnalysisJobsProducer } from './analysis-jobs.producer';

const QUEUE_ADD_TIMEOUT_MS = 1_000;

const job: AnalysisStartJob = {
  schemaVersion: 2,
  analysisId: '0b9f2a4e-8a57-4c2e-9c3f-6f1d2b3c4d5e',
  requestId: 'req-1',
  spec: analysisSpec(),
};

/** The platform's typed producer over a stubbed queue: what reaches Redis is covered by the integration tests. */
const producerWith = (add: jest.Mock) =>
  new AnalysisJobsProducer(new JobProducer({ get: () => ({ add }) } as unknown as ModuleRef), {
    QUEUE_ADD_TIMEOUT_MS,
  });

describe('AnalysisJobsProducer', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('adds analysis.start with the analysis id as job id, retries and bounded history', async () => {
    const add = jest.fn().mockResolvedValue({});
    await producerWith(add).start(job);
    expect(add).toHaveBeenCalledWith('analysis.start', job, {
      jobId: job.analysisId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 5_000 },
    });
  });

  it('refuses data that breaks the contract before it reaches Redis', async () => {
    const add = jest.fn();
    await expect(producerWith(add).start({ ...job, analysisId: 'nope' })).rejects.toThrow(InvalidJobError);
    expect(add).not.toHaveBeenCalled();
  });

  it('turns a failing Redis into 503 service_unavailable', async () => {
    const add = jest.fn().mockRejectedValue(new Error('ECONNREFUSED'));
    await expect(producerWith(add).start(job)).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
  });

  it('gives up on a Redis that does not answer', async () => {
    jest.useFakeTimers();
    const pending = producerWith(jest.fn(() => new Promise(() => undefined))).start(job);
    const outcome = pending.catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(QUEUE_ADD_TIMEOUT_MS - 1);
    let settled = false;
    void outcome.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException).code).toBe('service_unavailable');
  });
});
