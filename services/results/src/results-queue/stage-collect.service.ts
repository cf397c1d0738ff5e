import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  ErrorCategory,
  type JobNameOn,
  type ModelCallResult,
  modelCallResultSchema,
  type ModelId,
  OutputStatus,
  QueueName,
  type StageAdvanceJob,
  type StageCollectJob,
} from '@ultra/contracts';
import { type Job, Queue, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { AnalysesRepository, type NewStageOutput } from '../analyses/analyses.repository';
import { ChildFailuresService } from './child-failures.service';

const STAGE_ADVANCE = 'stage.advance' satisfies JobNameOn<typeof QueueName.Analyses>;

/** BullMQ forbids ':' in custom ids; the id makes a re-delivered collect add the same advance job, not another. */
export function advanceJobId(job: Pick<StageCollectJob, 'analysisId' | 'stage' | 'stageIndex'>): string {
  return `${job.analysisId}_${job.stage}_${job.stageIndex}_advance`;
}

/**
 * Turns a finished stage (a flow parent whose model.call children are all done) into stored outputs and the
 * stage.advance that lets the orchestrator go on. Every model of the stage gets exactly one output.
 */
@Injectable()
export class StageCollectService {
  constructor(
    private readonly repository: AnalysesRepository,
    private readonly childFailures: ChildFailuresService,
    @InjectQueue(QueueName.Analyses) private readonly analyses: Queue<StageAdvanceJob, unknown, typeof STAGE_ADVANCE>,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(StageCollectService.name);
  }

  async collect(job: Job, data: StageCollectJob): Promise<void> {
    const results = await this.childResults(job, data.models);
    const lost = data.models.filter((model) => !results.has(model));
    const reasons = lost.length > 0 ? await this.childFailures.reasonsFor(job, lost) : new Map<ModelId, string>();
    const outputs = data.models.map(
      (model) => results.get(model) ?? lostResult(model, reasons.get(model) ?? 'the model task ended without a result'),
    );

    const rows = outputs.map((output): NewStageOutput => toRow(data, output));
    if (!(await this.repository.recordStageOutputs(data.analysisId, rows))) {
      throw new UnrecoverableError(`analysis ${data.analysisId} does not exist`);
    }

    // Only after the commit: what the orchestrator acts on must already be readable through the API.
    const advance: StageAdvanceJob = {
      schemaVersion: data.schemaVersion,
      analysisId: data.analysisId,
      requestId: data.requestId,
      stage: data.stage,
      stageIndex: data.stageIndex,
      outputs: outputs.map(({ model, status, text }) => ({ model, status, text })),
    };
    await this.analyses.add(STAGE_ADVANCE, advance, { jobId: advanceJobId(data) });
    const failed = outputs.filter((o) => o.status === OutputStatus.Failed).length;
    this.logger.info({ stage: data.stage, outputs: outputs.length, failed, lost: lost.length }, 'stage collected');
  }

  /** Valid values of the children, by model; a value that breaks the contract counts as no value. */
  private async childResults(job: Job, models: readonly ModelId[]): Promise<Map<ModelId, ModelCallResult>> {
    const values = await job.getChildrenValues<unknown>();
    const results = new Map<ModelId, ModelCallResult>();
    for (const [key, value] of Object.entries(values)) {
      const parsed = modelCallResultSchema.safeParse(value);
      if (!parsed.success) {
        this.logger.warn({ child: key, issues: parsed.error.issues }, 'model task returned an invalid result');
      } else if (!models.includes(parsed.data.model)) {
        this.logger.warn({ child: key, model: parsed.data.model }, 'model task answered for a model not in the stage');
      } else {
        results.set(parsed.data.model, parsed.data);
      }
    }
    return results;
  }
}

function lostResult(model: ModelId, reason: string): ModelCallResult {
  return {
    model,
    status: OutputStatus.Failed,
    text: null,
    error: { category: ErrorCategory.WorkerLost, message: reason },
    latencyMs: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    finishReason: null,
  };
}

function toRow(stage: StageCollectJob, output: ModelCallResult): NewStageOutput {
  return {
    analysisId: stage.analysisId,
    stage: stage.stage,
    stageIndex: stage.stageIndex,
    model: output.model,
    status: output.status,
    text: output.text,
    error: output.error,
    latencyMs: output.latencyMs,
    inputTokens: output.usage.inputTokens,
    outputTokens: output.usage.outputTokens,
    finishReason: output.finishReason,
  };
}
