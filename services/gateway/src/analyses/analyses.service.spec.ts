import { Logger } from '@nestjs/common';
import type { AnalysisSpec } from '@ultra/contracts';
import { ServiceUnavailableException } from '../common/api-exception';
import { AnalysesService } from './analyses.service';
import type { AnalysisJobsProducer } from './analysis-jobs.producer';
import type { AnalysisRequestValidator } from './analysis-request.validator';
import type { ResultsClient } from './results.client';

const spec: AnalysisSpec = { prompt: 'q', models: ['mock:alpha'], ultraModel: 'mock:alpha', pattern: 'confidence' };
const userId = 'f5b0c8f4-1d0e-4c59-8d7a-1f2e3d4c5b6a';
const queueDown = new ServiceUnavailableException('the job queue is unavailable, try again shortly');

let results: { createAnalysis: jest.Mock; deleteQueuedAnalysis: jest.Mock };
let jobs: { start: jest.Mock };
let service: AnalysesService;
let logged: jest.SpyInstance;

beforeEach(() => {
  results = { createAnalysis: jest.fn().mockResolvedValue(undefined), deleteQueuedAnalysis: jest.fn() };
  jobs = { start: jest.fn().mockResolvedValue(undefined) };
  service = new AnalysesService(
    { validate: () => spec } as unknown as AnalysisRequestValidator,
    results as unknown as ResultsClient,
    jobs as unknown as AnalysisJobsProducer,
  );
  logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('AnalysesService.start', () => {
  it('creates the analysis, queues it under the same id and leaves it in place', async () => {
    const accepted = await service.start({}, userId, 'req-1');
    expect(results.createAnalysis).toHaveBeenCalledWith({ id: accepted.id, userId, requestId: 'req-1', ...spec });
    expect(jobs.start).toHaveBeenCalledWith(expect.objectContaining({ analysisId: accepted.id, requestId: 'req-1' }));
    expect(results.deleteQueuedAnalysis).not.toHaveBeenCalled();
  });

  it('deletes the analysis it could not queue, and answers with the queue’s 503', async () => {
    jobs.start.mockRejectedValue(queueDown);
    results.deleteQueuedAnalysis.mockResolvedValue(undefined);
    await expect(service.start({}, userId, 'req-2')).rejects.toBe(queueDown);
    const [{ id }] = results.createAnalysis.mock.calls[0] as [{ id: string }];
    expect(results.deleteQueuedAnalysis).toHaveBeenCalledWith(id, userId, 'req-2');
    expect(logged).not.toHaveBeenCalled();
  });

  it('still answers with the queue’s 503 when the delete fails too, and logs it', async () => {
    jobs.start.mockRejectedValue(queueDown);
    results.deleteQueuedAnalysis.mockRejectedValue(new Error('results refused to delete analysis x: HTTP 409'));
    await expect(service.start({}, userId, 'req-3')).rejects.toBe(queueDown);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('HTTP 409'));
  });

  it('neither queues nor deletes when results cannot create the analysis', async () => {
    results.createAnalysis.mockRejectedValue(new ServiceUnavailableException('results down'));
    await expect(service.start({}, userId, 'req-4')).rejects.toThrow('results down');
    expect(jobs.start).not.toHaveBeenCalled();
    expect(results.deleteQueuedAnalysis).not.toHaveBeenCalled();
  });
});
