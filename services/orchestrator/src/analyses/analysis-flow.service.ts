import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  type AnalysisFinishJob,
  type AnalysisStartJob,
  type ModelCallResult,
  type ModelId,
  QueueName,
  SCHEMA_VERSION,
  type StageCollectJob,
  type StageRecordJob,
} from '@ultra/contracts';
import type { JobsOptions, Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import type { StageContext } from '../patterns/pattern';
import { patternDefinition } from '../patterns/pattern-registry';
import { type AnalysisContext, AnalysisContextRepository } from './analysis-context.repository';
import { StageLauncher } from './stage-launcher.service';

const resultsJob: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: { age: 3_600 },
  removeOnFail: { age: 7 * 86_400 },
};
/** The finish waits in results until every stage record is stored; these retries are that wait. */
const finishJob: JobsOptions = { ...resultsJob, attempts: 12, backoff: { type: 'exponential', delay: 25 } };

type Outcome = Pick<AnalysisFinishJob, 'status' | 'result' | 'error'>;

/** Advances an analysis through its pattern: which stage runs next, with which models, or how it ends. */
@Injectable()
export class AnalysisFlowService {
  constructor(
    private readonly contexts: AnalysisContextRepository,
    private readonly launcher: StageLauncher,
    @InjectQueue(QueueName.Results) private readonly results: Queue,
    private readonly logger: PinoLogger,
  ) {}

  async start(job: AnalysisStartJob): Promise<void> {
    const { analysisId, requestId, spec } = job;
    const first = patternDefinition(spec.pattern).stages[0];
    if (!first) throw new Error(`pattern ${spec.pattern} has no stages`);
    await this.contexts.saveSpec(analysisId, spec);
    await Promise.all([
      this.results.add(
        'analysis.started',
        { schemaVersion: SCHEMA_VERSION, analysisId, requestId },
        { ...resultsJob, jobId: `${analysisId}_started` },
      ),
      this.launcher.launch({
        analysisId,
        requestId,
        stage: first,
        stageIndex: 0,
        models: spec.models,
        context: { prompt: spec.prompt, outputs: {} },
      }),
    ]);
    this.logger.info({ stage: first.name, models: spec.models }, 'analysis started');
  }

  /**
   * A stage's flow has completed: remember its texts, hand its outputs to results (stored off the critical path)
   * and, at the same time, start the next stage or end the analysis.
   */
  async advance(job: StageCollectJob, outputs: ModelCallResult[]): Promise<void> {
    const { analysisId, stage, stageIndex } = job;
    const run = { stageIndex, stage, outputs: outputs.map(({ model, status, text }) => ({ model, status, text })) };
    const context = await this.contexts.recordRun(analysisId, run);
    const record: StageRecordJob = { ...this.envelope(job), stage, stageIndex, outputs };
    await Promise.all([
      this.results.add('stage.record', record, { ...resultsJob, jobId: `${analysisId}_${stageIndex}_record` }),
      this.next(job, context, outputs),
    ]);
    this.logger.info(
      {
        stage,
        completed: outputs.filter((o) => o.status === 'completed').length,
        failed: outputs.filter((o) => o.status === 'failed').length,
      },
      'stage completed',
    );
  }

  private next(job: StageCollectJob, context: AnalysisContext, outputs: ModelCallResult[]): Promise<void> {
    const stages = patternDefinition(context.spec.pattern).stages;
    const position = stages.findIndex((s) => s.name === job.stage);
    const current = stages[position];
    if (!current) throw new Error(`stage ${job.stage} is not part of pattern ${context.spec.pattern}`);
    const done = new Set(outputs.filter((o) => o.status === 'completed').map((o) => o.model));
    const completed = context.spec.models.filter((m) => done.has(m));

    if (current.participants === 'ultra') {
      const winner = completed[0];
      if (winner)
        return this.finish(job, context, {
          status: 'completed',
          result: { stage: job.stage, model: winner },
          error: null,
        });
      const fallback = this.nextUltraCandidate(context, position);
      if (!fallback) {
        const message = `every model that could synthesize failed in stage ${job.stage}: ${describeFailures(outputs)}`;
        return this.finish(job, context, {
          status: 'failed',
          result: null,
          error: { code: 'synthesis_failed', message },
        });
      }
      this.logger.warn({ stage: job.stage, fallback }, 'ultra model failed; falling back to the next surviving model');
      return this.launchStage(job, context, position, [fallback]);
    }
    if (completed.length === 0) {
      const message = `every model failed in stage ${job.stage}, none is left: ${describeFailures(outputs)}`;
      return this.finish(job, context, {
        status: 'failed',
        result: null,
        error: { code: 'all_models_failed', message },
      });
    }
    const following = stages[position + 1];
    if (!following) {
      return this.finish(job, context, {
        status: 'completed',
        result: { stage: job.stage, model: completed[0] as ModelId },
        error: null,
      });
    }
    const models = following.participants === 'all' ? completed : [this.ultraOf(context, completed)];
    return this.launchStage(job, context, position + 1, models);
  }

  private launchStage(job: StageCollectJob, context: AnalysisContext, position: number, models: ModelId[]) {
    const stage = patternDefinition(context.spec.pattern).stages[position];
    if (!stage) throw new Error(`no stage at position ${position}`);
    return this.launcher.launch({
      analysisId: job.analysisId,
      requestId: job.requestId,
      stage,
      stageIndex: job.stageIndex + 1,
      models,
      context: this.stageContext(context),
    });
  }

  /** Texts of each stage's completed outputs, in the analysis' model order: what the next prompts may use. */
  private stageContext(context: AnalysisContext): StageContext {
    const outputs: StageContext['outputs'] = {};
    for (const run of context.runs) {
      const texts = run.outputs.flatMap((o) =>
        o.status === 'completed' && o.text !== null ? [{ model: o.model, text: o.text }] : [],
      );
      outputs[run.stage] = [...(outputs[run.stage] ?? []), ...texts];
    }
    return { prompt: context.spec.prompt, outputs };
  }

  /** The chosen ultra model if it is still in the analysis, else the first model that is. */
  private ultraOf(context: AnalysisContext, survivors: ModelId[]): ModelId {
    return survivors.includes(context.spec.ultraModel) ? context.spec.ultraModel : (survivors[0] as ModelId);
  }

  /** After an ultra failure: the next model that survived the stage before and has not tried to synthesize yet. */
  private nextUltraCandidate(context: AnalysisContext, position: number): ModelId | undefined {
    const stages = patternDefinition(context.spec.pattern).stages;
    const [previous, ultra] = [stages[position - 1]?.name, stages[position]?.name];
    const completedIn = (stage: string | undefined) =>
      context.runs
        .filter((r) => r.stage === stage)
        .flatMap((r) => r.outputs.filter((o) => o.status === 'completed').map((o) => o.model));
    const survivors = new Set(completedIn(previous));
    const tried = new Set(context.runs.filter((r) => r.stage === ultra).flatMap((r) => r.outputs.map((o) => o.model)));
    const ordered = [context.spec.ultraModel, ...context.spec.models.filter((m) => m !== context.spec.ultraModel)];
    return ordered.find((m) => survivors.has(m) && !tried.has(m));
  }

  private async finish(job: StageCollectJob, context: AnalysisContext, outcome: Outcome): Promise<void> {
    const expectedOutputs = context.runs.reduce((n, run) => n + run.outputs.length, 0);
    const data: AnalysisFinishJob = { ...this.envelope(job), ...outcome, expectedOutputs };
    await this.results.add('analysis.finish', data, { ...finishJob, jobId: `${job.analysisId}_finish` });
    await this.contexts.release(job.analysisId);
    this.logger.info({ status: outcome.status, result: outcome.result, error: outcome.error }, 'analysis finished');
  }

  private envelope(job: StageCollectJob) {
    return { schemaVersion: SCHEMA_VERSION, analysisId: job.analysisId, requestId: job.requestId } as const;
  }
}

/** "mock:beta (provider_unavailable), mock:delta (timeout)": which models failed, and why, for the analysis error. */
function describeFailures(outputs: ModelCallResult[]): string {
  return outputs.map((o) => `${o.model} (${o.error?.category ?? o.status})`).join(', ');
}
