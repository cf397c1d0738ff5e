import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
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
import type { FlowProducer, Job, JobsOptions, Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '@ultra/platform';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import type { StageContext } from '../patterns/pattern';
import { patternDefinition } from '../patterns/pattern-registry';
import { type AnalysisContext, AnalysisContextRepository } from './analysis-context.repository';
import { StageCollector } from './stage-collector.service';
import { STAGE_FLOWS, StageLauncher } from './stage-launcher.service';

/**
 * Results jobs outlast a Postgres outage of several minutes: 12 tries, backing off from 200 ms (about 14 minutes
 * in all). Jobs that still fail are kept a week for inspection.
 */
const resultsJob: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: { age: 3_600 },
  removeOnFail: { age: 7 * 86_400 },
};
/** Should an earlier stage record still be on its way, results retries the finish until it is stored (~27 min). */
const finishJob: JobsOptions = { ...resultsJob, attempts: 16, backoff: { type: 'exponential', delay: 25 } };

type Outcome = Pick<AnalysisFinishJob, 'status' | 'result' | 'error'>;
const CANCELLED = { code: 'cancelled', message: 'the analysis was cancelled; no further stage starts' };
type Decision = { kind: 'finish'; outcome: Outcome } | { kind: 'launch'; position: number; models: ModelId[] };

/** Advances an analysis through its pattern: which stage runs next, with which models, or how it ends. */
@Injectable()
export class AnalysisFlowService {
  constructor(
    private readonly contexts: AnalysisContextRepository,
    private readonly launcher: StageLauncher,
    @InjectQueue(QueueName.Results) private readonly results: Queue,
    @Inject(APP_CONFIG) private readonly config: OrchestratorConfig,
    @InjectFlowProducer(STAGE_FLOWS) private readonly flows: FlowProducer,
    private readonly collector: StageCollector,
    private readonly logger: PinoLogger,
  ) {}

  async start(job: AnalysisStartJob): Promise<void> {
    const { analysisId, requestId, spec } = job;
    const first = patternDefinition(spec.pattern).stages[0];
    if (!first) throw new Error(`pattern ${spec.pattern} has no stages`);
    const deadlineAt = Date.now() + this.config.ANALYSIS_DEADLINE_MS;
    const { cancelled } = await this.contexts.saveSpec(analysisId, spec, deadlineAt);
    if (cancelled) {
      const data: AnalysisFinishJob = {
        schemaVersion: SCHEMA_VERSION,
        analysisId,
        requestId,
        status: 'failed',
        result: null,
        error: CANCELLED,
        expectedOutputs: 0,
      };
      await this.results.add('analysis.finish', data, { ...finishJob, jobId: `${analysisId}_finish` });
      this.logger.info('analysis cancelled before it started');
      return;
    }
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
        deadlineAt,
      }),
    ]);
    this.logger.info({ stage: first.name, models: spec.models }, 'analysis started');
  }

  /**
   * A stage's flow has completed: read its outputs (and, meanwhile, the analysis' context), then start the next
   * stage while results stores this one off the critical path, or end the analysis.
   */
  async advance(job: Job, data: StageCollectJob): Promise<void> {
    const { analysisId, stage, stageIndex } = data;
    const [outputs, before] = await Promise.all([this.collector.collect(job, data), this.contexts.load(analysisId)]);
    const run = { stageIndex, stage, outputs: outputs.map(({ model, status, text }) => ({ model, status, text })) };
    // A re-delivered collect replaces its own run instead of counting it twice.
    const context = { ...before, runs: [...before.runs.filter((r) => r.stageIndex !== stageIndex), run] };
    const record: StageRecordJob = { ...this.envelope(data), stage, stageIndex, outputs };
    const decision = this.decide(data, context, outputs);
    if (decision.kind === 'finish') {
      await this.finish(data, context, record, decision.outcome);
    } else {
      await Promise.all([
        this.contexts.saveRun(analysisId, run),
        this.results.add('stage.record', record, { ...resultsJob, jobId: this.recordJobId(record) }),
        this.launchStage(data, context, decision.position, decision.models),
      ]);
    }
    const failed = outputs.filter((o) => o.status === 'failed').length;
    this.logger.info({ stage, completed: outputs.length - failed, failed }, 'stage completed');
  }

  private decide(job: StageCollectJob, context: AnalysisContext, outputs: ModelCallResult[]): Decision {
    const stages = patternDefinition(context.spec.pattern).stages;
    const position = stages.findIndex((s) => s.name === job.stage);
    const current = stages[position];
    if (!current) throw new Error(`stage ${job.stage} is not part of pattern ${context.spec.pattern}`);
    const done = new Set(outputs.filter((o) => o.status === 'completed').map((o) => o.model));
    const completed = context.spec.models.filter((m) => done.has(m));
    const finish = (outcome: Outcome): Decision => ({ kind: 'finish', outcome });
    if (context.cancelled) return finish({ status: 'failed', result: null, error: CANCELLED });
    if (Date.now() >= context.deadlineAt) {
      const limit = `${this.config.ANALYSIS_DEADLINE_MS} ms`;
      const message = `the analysis ran past its deadline (${limit}) in stage ${job.stage}; no further stage starts`;
      return finish({ status: 'failed', result: null, error: { code: 'deadline_exceeded', message } });
    }
    const succeed = (model: ModelId) =>
      finish({ status: 'completed', result: { stage: job.stage, model }, error: null });
    const fail = (code: string, message: string) =>
      finish({ status: 'failed', result: null, error: { code, message } });

    if (current.participants === 'ultra') {
      if (completed[0]) return succeed(completed[0]);
      const fallback = this.nextUltraCandidate(context, position);
      if (!fallback) {
        return fail(
          'synthesis_failed',
          `every model that could synthesize failed in stage ${job.stage}: ${describeFailures(outputs)}`,
        );
      }
      this.logger.warn({ stage: job.stage, fallback }, 'ultra model failed; falling back to the next surviving model');
      return { kind: 'launch', position, models: [fallback] };
    }
    if (completed.length === 0) {
      return fail(
        'all_models_failed',
        `every model failed in stage ${job.stage}, none is left: ${describeFailures(outputs)}`,
      );
    }
    const following = stages[position + 1];
    if (!following) return succeed(completed[0]);
    const models = following.participants === 'all' ? completed : [this.ultraOf(context, completed)];
    return { kind: 'launch', position: position + 1, models };
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
      deadlineAt: context.deadlineAt,
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
    return survivors.includes(context.spec.ultraModel) ? context.spec.ultraModel : survivors[0];
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

  /**
   * Ends the analysis: `analysis.finish` as the parent of the last `stage.record`, so results stores the last
   * outputs before it applies the end. Earlier records are covered by the finish's `expectedOutputs` check.
   */
  private async finish(job: StageCollectJob, context: AnalysisContext, record: StageRecordJob, outcome: Outcome) {
    const expectedOutputs = context.runs.reduce((n, run) => n + run.outputs.length, 0);
    const data: AnalysisFinishJob = { ...this.envelope(job), ...outcome, expectedOutputs };
    await Promise.all([
      this.flows.add({
        name: 'analysis.finish',
        queueName: QueueName.Results,
        data,
        opts: { ...finishJob, jobId: `${job.analysisId}_finish` },
        children: [
          {
            name: 'stage.record',
            queueName: QueueName.Results,
            data: record,
            // If storing fails for good, the finish still runs and fails with its count check, naming the cause.
            opts: { ...resultsJob, jobId: this.recordJobId(record), ignoreDependencyOnFailure: true },
          },
        ],
      }),
      this.contexts.release(job.analysisId),
    ]);
    this.logger.info({ status: outcome.status, result: outcome.result, error: outcome.error }, 'analysis finished');
  }

  private recordJobId(record: StageRecordJob): string {
    return `${record.analysisId}_${record.stageIndex}_record`;
  }

  private envelope(job: StageCollectJob) {
    return { schemaVersion: SCHEMA_VERSION, analysisId: job.analysisId, requestId: job.requestId } as const;
  }
}

/** "mock:beta (provider_unavailable), mock:delta (timeout)": which models failed, and why, for the analysis error. */
function describeFailures(outputs: ModelCallResult[]): string {
  return outputs.map((o) => `${o.model} (${o.error?.category ?? o.status})`).join(', ');
}
