import { InjectFlowProducer } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { type ModelCallJob, type ModelId, QueueName, SCHEMA_VERSION, type StageCollectJob } from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import type { FlowProducer } from 'bullmq';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import type { StageContext, StageDefinition } from '../patterns/pattern';

export const STAGE_FLOWS = 'stage-flows';

export interface StageLaunch {
  analysisId: string;
  requestId: string;
  stage: StageDefinition;
  /** Sequence number of this stage run within the analysis; part of every job id, so a re-run adds nothing twice. */
  stageIndex: number;
  models: ModelId[];
  context: StageContext;
  /** Epoch ms; every call of the stage is aborted when it passes. */
  deadlineAt: number;
}

/**
 * Adds one stage as a BullMQ flow: a `stage.collect` parent on the analyses queue, one `model.call` child per
 * model. BullMQ moves the parent to the queue in the same script that completes the last child, so the next stage
 * starts without polling.
 */
@Injectable()
export class StageLauncher {
  constructor(
    @InjectFlowProducer(STAGE_FLOWS) private readonly flows: FlowProducer,
    @Inject(APP_CONFIG) private readonly config: OrchestratorConfig,
  ) {}

  async launch(launch: StageLaunch): Promise<void> {
    const { analysisId, requestId, stage, stageIndex, models } = launch;
    const envelope = { schemaVersion: SCHEMA_VERSION, analysisId, requestId } as const;
    const collect: StageCollectJob = { ...envelope, stage: stage.name, stageIndex, models };
    await this.flows.add({
      name: 'stage.collect',
      queueName: QueueName.Analyses,
      data: collect,
      opts: {
        jobId: `${analysisId}_${stageIndex}`,
        attempts: 5,
        backoff: { type: 'exponential', delay: 200 },
        removeOnComplete: { age: 3_600 },
        removeOnFail: { age: 7 * 86_400 },
      },
      children: models.map((model, i) => {
        const call: ModelCallJob = {
          ...envelope,
          stage: stage.name,
          model,
          messages: stage.buildMessages(model, launch.context),
          options: { deadlineAt: launch.deadlineAt },
        };
        return {
          name: 'model.call',
          queueName: QueueName.ModelTasks,
          data: call,
          opts: {
            jobId: `${analysisId}_${stageIndex}_${i}`,
            attempts: this.config.MODEL_CALL_ATTEMPTS,
            // Exponential from this delay, but never sooner than a provider's retry-after (provider-worker decides).
            backoff: { type: 'provider', delay: this.config.MODEL_CALL_BACKOFF_MS },
            // A task that dies for good must not block its stage: the collector records it as failed.
            ignoreDependencyOnFailure: true,
            removeOnComplete: { age: 3_600 },
            removeOnFail: { age: 7 * 86_400 },
          },
        };
      }),
    });
  }
}
