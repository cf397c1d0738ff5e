import { Injectable } from '@nestjs/common';
import { AnalysisEventType, type ModelCallResult, OutputStatus, type StageRecordJob } from '@ultra/contracts';
import { UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { AnalysesRepository, type NewStageOutput } from '../analyses/analyses.repository';
import { AnalysisEventsPublisher } from '../events/analysis-events.publisher';

/**
 * Stores the outputs of a finished stage run. The orchestrator has already moved on when this runs, so the only
 * ordering that matters is against analysis.finish, which waits until every output is stored.
 */
@Injectable()
export class StageRecordService {
  constructor(
    private readonly repository: AnalysesRepository,
    private readonly events: AnalysisEventsPublisher,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(StageRecordService.name);
  }

  async record(job: StageRecordJob): Promise<void> {
    const rows = job.outputs.map((output) => toRow(job, output));
    const inserted = await this.repository.recordStageOutputs(job.analysisId, rows);
    // Retrying cannot create the analysis: the gateway creates it before the orchestrator ever sees it.
    if (inserted === null) throw new UnrecoverableError(`analysis ${job.analysisId} does not exist`);
    if (inserted > 0) {
      await this.events.publish({
        type: AnalysisEventType.StageRecorded,
        analysisId: job.analysisId,
        stage: job.stage,
        stageIndex: job.stageIndex,
        outputs: job.outputs.map(({ model, status }) => ({ model, status })),
      });
    }
    const failed = job.outputs.filter((o) => o.status === OutputStatus.Failed).length;
    // Fewer rows than outputs means a re-delivered record: the natural key kept what was already stored.
    this.logger.info(
      { stage: job.stage, stageIndex: job.stageIndex, outputs: rows.length, failed, inserted },
      inserted === rows.length ? 'stage recorded' : 'stage recorded again; stored outputs kept',
    );
  }
}

function toRow(job: StageRecordJob, output: ModelCallResult): NewStageOutput {
  return {
    analysisId: job.analysisId,
    stage: job.stage,
    stageIndex: job.stageIndex,
    model: output.model,
    status: output.status,
    text: output.text,
    error: output.error,
    latencyMs: output.latencyMs,
    inputTokens: output.usage.inputTokens,
    cachedInputTokens: output.usage.cachedInputTokens ?? null,
    reasoningTokens: output.usage.reasoningTokens ?? null,
    costUsd: output.usage.costUsd ?? 0,
    outputTokens: output.usage.outputTokens,
    finishReason: output.finishReason,
  };
}
