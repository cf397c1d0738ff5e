import type { AnalysisFinishJob } from '@ultra/contracts';
import { UnrecoverableError } from 'bullmq';
import type { PinoLogger } from 'nestjs-pino';
import type { AnalysesRepository, AnalysisProgress } from '../analyses/analyses.repository';
import type { AnalysisEventsPublisher } from '../events/analysis-events.publisher';
import type { WebhookDispatchService } from '../webhooks/webhook-dispatch.service';
import { AnalysisLifecycleService } from './analysis-lifecycle.service';

const finishJob: AnalysisFinishJob = {
  schemaVersion: 2,
  analysisId: '0b9f2a4e-8a57-4c2e-9c3f-6f1d2b3c4d5e',
  requestId: 'req-1',
  status: 'completed',
  expectedOutputs: 7,
  expectedRuns: 4,
  result: { stage: 'ultra', stageIndex: 3, model: 'mock:alpha', sample: 0, text: 'the answer', data: {} },
  error: null,
};

const logger = { setContext: jest.fn(), info: jest.fn(), debug: jest.fn() } as unknown as PinoLogger;

/** The service over a repository whose conditional finish answers `ended` and whose progress is `progress`. */
function serviceWith(ended: boolean, progress: AnalysisProgress | null) {
  const stored = { id: finishJob.analysisId, status: progress?.status ?? 'completed' };
  const repository = {
    finish: jest.fn().mockResolvedValue(ended),
    progressOf: jest.fn().mockResolvedValue(progress),
    findById: jest.fn().mockResolvedValue(stored),
  };
  const events = { ended: jest.fn().mockResolvedValue(undefined) };
  const webhooks = { analysisEnded: jest.fn().mockResolvedValue(undefined) };
  const service = new AnalysisLifecycleService(
    repository as unknown as AnalysesRepository,
    events as unknown as AnalysisEventsPublisher,
    webhooks as unknown as WebhookDispatchService,
    logger,
  );
  return { repository, events, webhooks, service };
}

describe('AnalysisLifecycleService.finish', () => {
  it('ends the analysis in one conditional update when the runs and outputs are stored', async () => {
    const { repository, events, webhooks, service } = serviceWith(true, null);
    await service.finish(finishJob);
    expect(webhooks.analysisEnded).toHaveBeenCalledWith(finishJob.analysisId, finishJob.requestId);
    // The push stream's last event is written from the stored end.
    expect(events.ended).toHaveBeenCalledWith({ id: finishJob.analysisId, status: 'completed' });
    expect(repository.finish).toHaveBeenCalledWith(
      finishJob.analysisId,
      { status: 'completed', result: finishJob.result, error: null },
      { outputs: 7, runs: 4 },
    );
    expect(repository.progressOf).not.toHaveBeenCalled();
  });

  it('fails for good for an unknown analysis', async () => {
    const { service } = serviceWith(false, null);
    await expect(service.finish(finishJob)).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('ignores a finish for an analysis that has already ended, but writes its end event again', async () => {
    const { service, events, webhooks } = serviceWith(false, { status: 'failed', storedOutputs: 2, storedRuns: 1 });
    await expect(service.finish(finishJob)).resolves.toBeUndefined();
    // Queued again in case the first finish stored the end but could not queue it (the dispatch dedupes).
    expect(webhooks.analysisEnded).toHaveBeenCalledWith(finishJob.analysisId, finishJob.requestId);
    expect(events.ended).toHaveBeenCalledWith({ id: finishJob.analysisId, status: 'failed' });
  });

  it('asks for a retry while outputs are still on their way', async () => {
    const { service, events, webhooks } = serviceWith(false, { status: 'running', storedOutputs: 5, storedRuns: 3 });
    const error: unknown = await service.finish(finishJob).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('records pending: 5 of 7 outputs, 3 of 4 stage runs stored');
    expect(events.ended).not.toHaveBeenCalled();
    expect(webhooks.analysisEnded).not.toHaveBeenCalled();
  });

  it('asks for a retry while a run without outputs (an aggregate) is on its way', async () => {
    const { service } = serviceWith(false, { status: 'running', storedOutputs: 7, storedRuns: 3 });
    const error: unknown = await service.finish(finishJob).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('records pending: 7 of 7 outputs, 3 of 4 stage runs stored');
  });

  it('asks for a retry when the last output landed between the update and the check', async () => {
    const { service } = serviceWith(false, { status: 'running', storedOutputs: 7, storedRuns: 4 });
    const error: unknown = await service.finish(finishJob).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
  });
});
