import { Inject, Injectable } from '@nestjs/common';
import {
  type AnalysisFinishJob,
  type AnalysisStartJob,
  SCHEMA_VERSION,
  type StageCollectJob,
  type StageRecordJob,
  type StageRun,
} from '@ultra/contracts';
import { APP_CONFIG, flowJob, JobProducer } from '@ultra/platform';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { aggregateRun } from '../patterns/aggregate-run';
import { nextStep, type RunFlags, type Step } from '../patterns/next-step';
import type { Outcome } from '../patterns/pattern-result';
import type { AnalysisState } from '../patterns/run-state';
import { AnalysisContextRepository } from './analysis-context.repository';
import { AnalysisEventsPublisher } from './analysis-events.publisher';
import { type Envelope, recordOf, reusedRuns, runOf } from './stage-records';
import { StageCollector } from './stage-collector.service';
import { StageLauncher } from './stage-launcher.service';

/**
 * Runs an analysis through its pattern. The decisions are `nextStep`'s; this service only loads the state,
 * computes aggregates and skips in place (they call no model), launches stage runs and hands every run to
 * results, off the critical path.
 */
@Injectable()
export class AnalysisFlowService {
  constructor(
    private readonly contexts: AnalysisContextRepository,
    private readonly launcher: StageLauncher,
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) private readonly config: OrchestratorConfig,
    private readonly collector: StageCollector,
    private readonly events: AnalysisEventsPublisher,
    private readonly logger: PinoLogger,
  ) {}

  async start(job: AnalysisStartJob): Promise<void> {
    const { analysisId, requestId, spec } = job;
    const envelope = { schemaVersion: SCHEMA_VERSION, analysisId, requestId } as const;
    const deadlineAt = Date.now() + this.config.ANALYSIS_DEADLINE_MS;
    const { cancelled } = await this.contexts.saveSpec(analysisId, spec, deadlineAt);
    // A rerun starts with the source's runs as they were: recorded as reused, no call repeated.
    const reused = reusedRuns(envelope, spec);
    const state: AnalysisState = { analysisId, spec, runs: reused.map((r) => r.run) };
    await Promise.all([
      cancelled
        ? undefined
        : this.jobs.add('analysis.started', { ...envelope, deadlineAt }, { jobId: `${analysisId}_started` }),
      this.proceed(envelope, state, reused, { cancelled, now: Date.now(), deadlineAt }),
    ]);
    this.logger.info({ pattern: spec.pattern, models: spec.models, reusedRuns: reused.length }, 'analysis started');
  }

  /**
   * A stage run's flow has completed: read its outputs (and, meanwhile, the analysis' context), then go on —
   * launch what comes next while results stores this run, or end the analysis.
   */
  async advance(job: Job, data: StageCollectJob): Promise<void> {
    const [outputs, context] = await Promise.all([
      this.collector.collect(job, data),
      this.contexts.load(data.analysisId),
    ]);
    const run = runOf(data, outputs);
    // A re-delivered collect decides from the runs before it, as the first delivery did: the same steps follow,
    // with the same job ids, so nothing is launched or recorded twice.
    const runs = [...context.runs.filter((r) => r.index < run.index), run];
    const state: AnalysisState = { analysisId: data.analysisId, spec: context.spec, runs };
    const flags = { cancelled: context.cancelled, now: Date.now(), deadlineAt: context.deadlineAt };
    await this.proceed(
      this.envelope(data),
      state,
      [{ run, record: recordOf(this.envelope(data), state, run, outputs) }],
      flags,
    );
    const failed = outputs.filter((o) => o.status === 'failed').length;
    // Per stage at debug (the hot path); a stage with failed calls at info.
    this.logger[failed ? 'info' : 'debug'](
      { stage: data.stage, round: data.round, completed: outputs.length - failed, failed },
      'stage completed',
    );
  }

  /**
   * Steps until a model call is needed or the analysis ends. `fresh` are runs not yet saved or recorded; aggregates
   * and skips join them here, since they need no queue hop.
   */
  private async proceed(
    envelope: Envelope,
    start: AnalysisState,
    fresh: { run: StageRun; record: StageRecordJob }[],
    flags: RunFlags,
  ): Promise<void> {
    let state = start;
    let step: Step = nextStep(state, flags);
    while (step.kind === 'aggregate' || step.kind === 'skip') {
      const run: StageRun =
        step.kind === 'aggregate'
          ? aggregateRun(state, step.stage, step.index)
          : { index: step.index, stage: step.stage.id, kind: 'skipped', round: 1, outputs: [] };
      state = { ...state, runs: [...state.runs, run] };
      fresh.push({ run, record: recordOf(envelope, state, run, [], step.kind === 'skip' ? step.note : undefined) });
      step = nextStep(state, flags);
    }
    const records = fresh.map((f) => f.record);
    if (step.kind === 'finish') {
      // Before the finish job: results writes the final event once it has stored the end.
      await this.events.progress(envelope.analysisId, records);
      await this.finish(envelope, state, records, step.outcome);
      return;
    }
    // Sent before the flow (on another connection): the stage events are in the stream before any worker can write
    // the stage's outputs, which takes the flow's arrival and more round trips. Not awaited first: no added latency.
    const published = this.events.progress(envelope.analysisId, records, step);
    await Promise.all([
      published,
      this.contexts.saveRuns(
        envelope.analysisId,
        fresh.map((f) => f.run),
      ),
      fresh.length > 0
        ? this.jobs.addBulk(
            'stage.record',
            fresh.map(({ record }) => ({ data: record, opts: { jobId: recordJobId(record) } })),
          )
        : undefined,
      this.launcher.launch({ requestId: envelope.requestId, step, state, deadlineAt: flags.deadlineAt }),
    ]);
    this.logger.debug({ stage: step.stage.id, round: step.round, calls: step.calls.length }, 'stage launched');
  }

  /**
   * Ends the analysis: `analysis.finish` as the parent of the runs not yet recorded, so results stores the last
   * outputs before it applies the end. Earlier records are covered by the finish's expected counts.
   */
  private async finish(envelope: Envelope, state: AnalysisState, records: StageRecordJob[], outcome: Outcome) {
    const data: AnalysisFinishJob = {
      ...envelope,
      status: outcome.status,
      result: outcome.status === 'completed' ? outcome.result : null,
      error: outcome.status === 'failed' ? outcome.error : null,
      expectedOutputs: state.runs.reduce((n, run) => n + run.outputs.length, 0),
      expectedRuns: state.runs.length,
    };
    await Promise.all([
      this.jobs.flow(
        flowJob(
          'analysis.finish',
          data,
          { jobId: `${envelope.analysisId}_finish` },
          // If storing fails for good, the finish still runs and fails with its count check, naming the cause.
          records.map((record) =>
            flowJob('stage.record', record, { jobId: recordJobId(record), ignoreDependencyOnFailure: true }),
          ),
        ),
      ),
      this.contexts.release(envelope.analysisId),
    ]);
    const { status } = outcome;
    this.logger.info(
      { status, result: data.result && { stage: data.result.stage, model: data.result.model }, error: data.error },
      'analysis finished',
    );
  }

  private envelope(job: StageCollectJob): Envelope {
    return { schemaVersion: SCHEMA_VERSION, analysisId: job.analysisId, requestId: job.requestId };
  }
}

function recordJobId(record: StageRecordJob): string {
  return `${record.analysisId}_${record.stageIndex}_record`;
}
