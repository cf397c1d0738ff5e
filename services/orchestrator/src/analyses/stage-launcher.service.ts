import { Inject, Injectable } from '@nestjs/common';
import { type ModelCallJob, SCHEMA_VERSION, type StageCollectJob } from '@ultra/contracts';
import { APP_CONFIG, flowJob, inSpan, JobProducer } from '@ultra/platform';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import type { Step } from '../patterns/next-step';
import { renderMessages } from '../patterns/prompt-renderer';
import { type AnalysisState, keyOf } from '../patterns/run-state';

export interface StageLaunch {
  requestId: string;
  step: Extract<Step, { kind: 'launch' }>;
  /** The analysis as it stands before this run: prompts are rendered from it. */
  state: AnalysisState;
  /** Epoch ms; every call of the stage is aborted when it passes. */
  deadlineAt: number;
}

/**
 * Adds one stage run as a BullMQ flow: a `stage.collect` parent on the analyses queue, one `model.call` child per
 * call. BullMQ moves the parent to the queue in the same script that completes the last child, so the next stage
 * starts without polling. Job ids carry the run index, so adding the same run twice adds nothing.
 */
@Injectable()
export class StageLauncher {
  constructor(
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) private readonly config: OrchestratorConfig,
  ) {}

  /** In a span of its own: every call of the run is its child in the analysis' trace. */
  launch(launch: StageLaunch): Promise<void> {
    const { step, state } = launch;
    const attributes = {
      'ultra.pattern': state.spec.pattern,
      'ultra.stage': step.stage.id,
      'ultra.stage.index': step.index,
      'ultra.stage.round': step.round,
      'ultra.stage.calls': step.calls.length,
    };
    return inSpan(`stage ${step.stage.id}`, { attributes }, () => this.add(launch));
  }

  private async add({ requestId, step, state, deadlineAt }: StageLaunch): Promise<void> {
    const { analysisId } = state;
    const { stage, index, round, rounds, calls } = step;
    const envelope = { schemaVersion: SCHEMA_VERSION, analysisId, requestId } as const;
    const collect: StageCollectJob = {
      ...envelope,
      stage: stage.id,
      stageIndex: index,
      round,
      calls: calls.map(({ model, sample }) => ({ model, sample })),
    };
    const timeout = state.spec.options.stageTimeoutMs;
    const stageDeadlineAt = timeout === undefined ? undefined : Date.now() + timeout;
    const children = calls.map((plan, i) => {
      const call: ModelCallJob = {
        ...envelope,
        pattern: state.spec.pattern,
        stage: stage.id,
        stageIndex: index,
        model: plan.model,
        sample: plan.sample,
        messages: renderMessages(state, { stage, index, round, rounds, viewer: keyOf(plan) }),
        options: {
          deadlineAt,
          ...(stageDeadlineAt !== undefined && { stageDeadlineAt }),
          ...(plan.temperature !== undefined && { temperature: plan.temperature }),
          ...(plan.maxOutputTokens !== undefined && { maxOutputTokens: plan.maxOutputTokens }),
          ...(plan.output && { output: plan.output }),
          ...(state.spec.options.cache === false && { cache: false }),
          // The server's keys unless the worker finds the user's own for the provider (it then scopes `user:<id>`).
          keyScope: 'server',
          ...(state.spec.userId !== undefined && { userId: state.spec.userId }),
          // The caller's tools pass through to every call (the gateway allows them for `direct` only).
          ...(state.spec.tools?.length && { tools: state.spec.tools }),
          ...(state.spec.tools?.length && state.spec.toolChoice && { toolChoice: state.spec.toolChoice }),
        },
      };
      return flowJob('model.call', call, {
        jobId: `${analysisId}_${index}_${i}`,
        attempts: this.config.MODEL_CALL_ATTEMPTS,
        // Exponential from this delay, but never sooner than a provider's retry-after (provider-worker decides).
        backoff: { type: 'provider', delay: this.config.MODEL_CALL_BACKOFF_MS },
      });
    });
    await this.jobs.flow(flowJob('stage.collect', collect, { jobId: `${analysisId}_${index}` }, children));
  }
}
