import { Inject, Injectable } from '@nestjs/common';
import { type ModelCallResult, OutputStatus, type StageRecordJob } from '@ultra/contracts';
import { addUsage, APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { type NewStageOutput, type RecordedRun, StageRunsRepository } from '../analyses/stage-runs.repository';
import type { ResultsConfig } from '../config/results.config';
import { UnknownAnalysisError } from './job-failures';
import { validRecord } from './valid-records';

/**
 * Stores a finished stage run: a generate round with its outputs, an aggregate's result, or a skipped stage. The
 * orchestrator has already moved on when this runs (and has written the run's push events), so the only ordering
 * that matters is against analysis.finish, which waits until every run and output is stored.
 */
@Injectable()
export class StageRecordService {
  constructor(
    private readonly repository: StageRunsRepository,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: ResultsConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    logger.setContext(StageRecordService.name);
  }

  async record(received: StageRecordJob): Promise<void> {
    const job = validRecord(received);
    const outputs = job.outputs.map(toRow);
    const recorded = await this.repository.recordStageRun(job.analysisId, {
      stage: job.stage,
      stageIndex: job.stageIndex,
      label: job.label,
      kind: job.kind,
      round: job.round,
      aggregate: job.aggregate ?? null,
      note: job.note ?? null,
      outputs,
    });
    // Retrying cannot create the analysis: the gateway creates it before the orchestrator ever sees it.
    if (recorded === null) throw new UnknownAnalysisError(job.analysisId);
    await this.countUsage(recorded);
    const failed = job.outputs.filter((o) => o.status === OutputStatus.Failed).length;
    // Anything less than everything new means a re-delivered record: the natural keys kept what was stored.
    const again = !recorded.runInserted || recorded.outputsInserted !== outputs.length;
    // Per stage at debug (the hot path); failed calls and re-deliveries at info.
    this.logger[failed || again ? 'info' : 'debug'](
      {
        stage: job.stage,
        stageIndex: job.stageIndex,
        kind: job.kind,
        round: job.round,
        outputs: outputs.length,
        failed,
        inserted: recorded.outputsInserted,
        repairedChars: outputs.reduce((n, o) => n + o.repairedChars, 0),
      },
      again ? 'stage recorded again; stored rows kept' : 'stage recorded',
    );
  }

  /**
   * Adds what the newly stored outputs used to their owner's day (the gateway's daily budget reads it). Only rows
   * inserted now count, so a re-delivered record adds nothing; a crash between the insert and this loses the
   * stage's amounts from the counter (the spend is under-counted, never doubled).
   */
  private async countUsage({ userId, inserted }: RecordedRun): Promise<void> {
    await addUsage(this.redis, this.config.QUEUE_PREFIX, userId, inserted).catch((error: unknown) =>
      this.logger.warn({ err: error, userId }, 'usage not counted: Redis failed'),
    );
  }
}

function toRow(output: ModelCallResult): NewStageOutput {
  return {
    model: output.model,
    sample: output.sample,
    status: output.status,
    text: output.text,
    error: output.error,
    data: output.data ?? null,
    dataError: output.dataError ?? null,
    toolCalls: output.toolCalls?.length ? output.toolCalls : null,
    reused: output.reused ?? false,
    answeredBy: output.answeredBy ?? null,
    fallbackReason: output.fallbackReason ?? null,
    cached: output.cached ?? false,
    repairedChars: output.repairedChars ?? 0,
    latencyMs: output.latencyMs,
    inputTokens: output.usage.inputTokens,
    cachedInputTokens: output.usage.cachedInputTokens ?? null,
    reasoningTokens: output.usage.reasoningTokens ?? null,
    costUsd: output.usage.costUsd ?? 0,
    outputTokens: output.usage.outputTokens,
    finishReason: output.finishReason,
  };
}
