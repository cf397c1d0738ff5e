import { Logger } from '@nestjs/common';
import type { AnalysisEstimate } from '@ultra/contracts';
import { ApiException, ServiceUnavailableException } from '../common/api-exception';
import type { AnalysisEstimator } from '../estimate/analysis-estimator.service';
import { analysisSpec } from '../testing/test-patterns';
import { AnalysesService } from './analyses.service';
import type { AnalysisJobsProducer } from './analysis-jobs.producer';
import type { AnalysisRequestValidator } from './analysis-request.validator';
import type { ResultsClient } from './results.client';

const spec = analysisSpec();
const range = (low: number, high: number) => ({ low, high });
/** Only the totals matter to the budget check. */
const estimate = {
  total: { inputTokens: range(10, 100), outputTokens: range(10, 100), costUsd: range(0.01, 0.2) },
} as AnalysisEstimate;
const userId = 'f5b0c8f4-1d0e-4c59-8d7a-1f2e3d4c5b6a';
const queueDown = new ServiceUnavailableException('the job queue is unavailable, try again shortly');

let results: { createAnalysis: jest.Mock; deleteQueuedAnalysis: jest.Mock };
let jobs: { start: jest.Mock };
let maxCostUsd: number | undefined;
let service: AnalysesService;
let logged: jest.SpyInstance;

beforeEach(() => {
  results = { createAnalysis: jest.fn().mockResolvedValue(undefined), deleteQueuedAnalysis: jest.fn() };
  jobs = { start: jest.fn().mockResolvedValue(undefined) };
  maxCostUsd = undefined;
  service = new AnalysesService(
    { validateRequest: () => Promise.resolve({ spec, maxCostUsd }) } as unknown as AnalysisRequestValidator,
    results as unknown as ResultsClient,
    jobs as unknown as AnalysisJobsProducer,
    { estimate: () => estimate } as unknown as AnalysisEstimator,
  );
  logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('AnalysesService.launch', () => {
  it('links a rerun to its source; the reused runs go to the orchestrator only', async () => {
    const sourceAnalysisId = '3c1d7c0e-9b7a-4f2e-8d6c-5b4a3f2e1d0c';
    const rerun = { ...spec, reuse: { sourceAnalysisId, runs: [] } };
    const accepted = await service.launch(rerun, userId, 'req-7', sourceAnalysisId);
    expect(results.createAnalysis).toHaveBeenCalledWith({
      id: accepted.id,
      userId,
      requestId: 'req-7',
      ...spec,
      sourceAnalysisId,
    });
    expect(jobs.start).toHaveBeenCalledWith(expect.objectContaining({ spec: { ...rerun, userId } }));
  });
});

describe('AnalysesService.start', () => {
  it('creates the analysis, queues it under the same id and leaves it in place', async () => {
    const accepted = await service.start({}, userId, 'req-1');
    expect(results.createAnalysis).toHaveBeenCalledWith({ id: accepted.id, userId, requestId: 'req-1', ...spec });
    expect(jobs.start).toHaveBeenCalledWith({
      schemaVersion: 2,
      analysisId: accepted.id,
      requestId: 'req-1',
      // The orchestrator passes the user on to each call, so a user's own provider key can answer it.
      spec: { ...spec, userId },
    });
    expect(results.deleteQueuedAnalysis).not.toHaveBeenCalled();
  });

  it('starts an analysis whose high estimate is within maxCostUsd', async () => {
    maxCostUsd = 0.2;
    await service.start({}, userId, 'req-5');
    expect(jobs.start).toHaveBeenCalled();
  });

  it('refuses with budget_exceeded, giving the estimate, when the high estimate is above maxCostUsd', async () => {
    maxCostUsd = 0.1;
    const error: unknown = await service.start({}, userId, 'req-6').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      status: 400,
      message: expect.stringContaining('may cost up to $0.2 (estimate $0.01–$0.2), above maxCostUsd $0.1'),
      details: { maxCostUsd: 0.1, estimate },
    });
    expect(results.createAnalysis).not.toHaveBeenCalled();
    expect(jobs.start).not.toHaveBeenCalled();
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
