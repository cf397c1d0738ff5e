import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import {
  type AnalysisFinishJob,
  type AnalysisStartJob,
  type ModelId,
  QueueName,
  SCHEMA_VERSION,
  type StageAdvanceJob,
} from '@ultra/contracts';
import type { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import type { StageContext } from '../patterns/pattern';
import { patternDefinition } from '../patterns/pattern-registry';
import { type AnalysisContext, AnalysisContextRepository } from './analysis-context.repository';
import { StageLauncher } from './stage-launcher.service';

const finishOptions = { attempts: 5, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: { age: 3_600 } };

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
        { ...finishOptions, jobId: `${analysisId}_started` },
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

  async advance(job: StageAdvanceJob): Promise<void> {
    const { analysisId, stage, stageIndex, outputs } = job;
    const context = await this.contexts.recordRun(analysisId, { stageIndex, stage, outputs });
    const stages = patternDefinition(context.spec.pattern).stages;
    const position = stages.findIndex((s) => s.name === stage);
    const current = stages[position];
    if (!current) throw new Error(`stage ${stage} is not part of pattern ${context.spec.pattern}`);
    const completed = this.completedModels(context, outputs);

    if (current.participants === 'ultra') {
      const winner = completed[0];
      if (winner) return this.finish(job, { status: 'completed', result: { stage, model: winner }, error: null });
      const fallback = this.nextUltraCandidate(context, position);
      if (!fallback) {
        return this.finish(job, {
          status: 'failed',
          result: null,
          error: { code: 'synthesis_failed', message: `every model that could synthesize failed in stage ${stage}` },
        });
      }
      this.logger.warn({ stage, fallback }, 'ultra model failed; falling back to the next surviving model');
      return this.launchStage(job, context, position, [fallback]);
    }

    if (completed.length === 0) {
      const failed = outputs.map((o) => o.model).join(', ');
      return this.finish(job, {
        status: 'failed',
        result: null,
        error: { code: 'all_models_failed', message: `every model failed in stage ${stage} (${failed}); none is left` },
      });
    }
    const next = stages[position + 1];
    if (!next) return this.finish(job, { status: 'completed', result: { stage, model: completed[0] }, error: null });
    const models = next.participants === 'all' ? completed : [this.ultraOf(context, completed)];
    return this.launchStage(job, context, position + 1, models);
  }

  private launchStage(job: StageAdvanceJob, context: AnalysisContext, position: number, models: ModelId[]) {
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

  private completedModels(context: AnalysisContext, outputs: StageAdvanceJob['outputs']): ModelId[] {
    const done = new Set(outputs.filter((o) => o.status === 'completed').map((o) => o.model));
    return context.spec.models.filter((m) => done.has(m));
  }

  /** The chosen ultra model if it is still in the analysis, else the first model that is. */
  private ultraOf(context: AnalysisContext, survivors: ModelId[]): ModelId {
    return survivors.includes(context.spec.ultraModel) ? context.spec.ultraModel : survivors[0];
  }

  /** After an ultra failure: the next model that survived the stage before and has not tried to synthesize yet. */
  private nextUltraCandidate(context: AnalysisContext, position: number): ModelId | undefined {
    const stages = patternDefinition(context.spec.pattern).stages;
    const previous = stages[position - 1]?.name;
    const ultra = stages[position]?.name;
    const runs = context.runs;
    const survivors = new Set(
      runs
        .filter((r) => r.stage === previous)
        .flatMap((r) => r.outputs.filter((o) => o.status === 'completed').map((o) => o.model)),
    );
    const tried = new Set(runs.filter((r) => r.stage === ultra).flatMap((r) => r.outputs.map((o) => o.model)));
    const ordered = [context.spec.ultraModel, ...context.spec.models.filter((m) => m !== context.spec.ultraModel)];
    return ordered.find((m) => survivors.has(m) && !tried.has(m));
  }

  private async finish(
    job: StageAdvanceJob,
    outcome: Pick<AnalysisFinishJob, 'status' | 'result' | 'error'>,
  ): Promise<void> {
    const data: AnalysisFinishJob = {
      schemaVersion: SCHEMA_VERSION,
      analysisId: job.analysisId,
      requestId: job.requestId,
      ...outcome,
    };
    await this.results.add('analysis.finish', data, { ...finishOptions, jobId: `${job.analysisId}_finish` });
    await this.contexts.release(job.analysisId);
    this.logger.info({ status: outcome.status, result: outcome.result, error: outcome.error }, 'analysis finished');
  }
}
