import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import {
  analysisContextKey,
  AnalysisErrorCode,
  analysisStartJob,
  type AnalysisStartJob,
  QueueName,
  SCHEMA_VERSION,
  type StageRun,
} from '@ultra/contracts';
import { APP_CONFIG, JobProducer, REDIS } from '@ultra/platform';
import type { JobState, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { AnalysesRepository } from '../analyses/analyses.repository';
import type { AnalysisEntity } from '../analyses/analysis.entity';
import { analysisRequestOf, toAnalysisSource } from '../analyses/analysis-view.mapper';
import { StageRunsRepository } from '../analyses/stage-runs.repository';
import type { ResultsConfig } from '../config/results.config';
import { AnalysisLifecycleService } from '../results-queue/analysis-lifecycle.service';
import { WatchdogRepository, type WatchedAnalysis } from './watchdog.repository';

/** States in which a job will still run: the analysis is not lost while one of its jobs is in one. */
const PENDING: readonly (JobState | 'unknown')[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];
const FINISHED: readonly (JobState | 'unknown')[] = ['completed', 'failed'];

export type Recovery = 'resumed' | 'ended' | 'alive' | 'taken';

/**
 * Resumes an analysis whose orchestrator state was lost (a Redis restart without persistence, a flushed prefix):
 * `analysis.start` again for the same id, reusing every stored run, so the orchestrator continues from the last
 * completed stage without repeating its calls. When that is impossible, ends it with `interrupted`.
 */
@Injectable()
export class AnalysisRecoveryService {
  constructor(
    private readonly watchdog: WatchdogRepository,
    private readonly analyses: AnalysesRepository,
    private readonly stageRuns: StageRunsRepository,
    private readonly lifecycle: AnalysisLifecycleService,
    private readonly jobs: JobProducer,
    @InjectQueue(QueueName.Analyses) private readonly analysesQueue: Queue,
    @InjectQueue(QueueName.Results) private readonly resultsQueue: Queue,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: ResultsConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(AnalysisRecoveryService.name);
  }

  async recover(watched: WatchedAnalysis): Promise<Recovery> {
    if (!(await this.lost(watched.id))) return 'alive';
    // The claim makes this sweep the only one to act on the analysis (other replicas, later sweeps in the grace).
    if (!(await this.watchdog.claim(watched.id, this.config.WATCHDOG_GRACE_MS))) return 'taken';
    const analysis = await this.analyses.findById(watched.id);
    if (!analysis) return 'taken';
    const start = await this.startJobOf(analysis);
    if (typeof start === 'string') {
      await this.lifecycle.terminate({
        schemaVersion: SCHEMA_VERSION,
        analysisId: analysis.id,
        requestId: analysis.requestId,
        code: AnalysisErrorCode.Interrupted,
        message: `the analysis' work was lost and it cannot be resumed: ${start}`,
      });
      return 'ended';
    }
    await this.clearFinished(analysis.id);
    await this.jobs.add('analysis.start', start, { jobId: analysis.id });
    const reused = start.spec.reuse?.runs.length ?? 0;
    this.logger.warn(
      { analysisId: analysis.id, requestId: analysis.requestId, reusedRuns: reused },
      `analysis resumed after its work was lost, from ${reused} stored stage run(s)`,
    );
    return 'resumed';
  }

  /**
   * Lost: the orchestrator holds no context for it, and no job that would carry it on is pending — neither its
   * `analysis.start` (the gateway's, whose id is the analysis id) nor its `analysis.finish` (still waiting for
   * records after the orchestrator let the context go).
   */
  private async lost(id: string): Promise<boolean> {
    if ((await this.redis.exists(analysisContextKey(this.config.QUEUE_PREFIX, id))) === 1) return false;
    const [start, finish] = await Promise.all([
      this.analysesQueue.getJobState(id),
      this.resultsQueue.getJobState(`${id}_finish`),
    ]);
    return !PENDING.includes(start) && !PENDING.includes(finish);
  }

  /** The start job that resumes the analysis, or why there can be none. */
  private async startJobOf(analysis: AnalysisEntity): Promise<AnalysisStartJob | string> {
    if (analysis.patternSpec === null) return 'no pattern document was stored with it';
    const runs = await this.stageRuns.runsOf(analysis.id);
    const outputs = await this.stageRuns.outputsOf(analysis.id);
    const source = toAnalysisSource(analysis, runs, outputs);
    const parsed = analysisStartJob.safeParse({
      schemaVersion: SCHEMA_VERSION,
      analysisId: analysis.id,
      requestId: analysis.requestId,
      spec: {
        ...analysisRequestOf(analysis),
        reuse: { sourceAnalysisId: analysis.id, runs: contiguous(source.runs) },
      },
    });
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    return `its stored request no longer reads as one (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`;
  }

  /**
   * Jobs of the first start that already ran would make BullMQ ignore the new ones (same ids): the gateway's
   * analysis.start and the orchestrator's analysis.started, whose new deadline results must receive.
   */
  private async clearFinished(id: string): Promise<void> {
    const stale = [
      { queue: this.analysesQueue, jobId: id },
      { queue: this.resultsQueue, jobId: `${id}_started` },
    ];
    for (const { queue, jobId } of stale) {
      if (FINISHED.includes(await queue.getJobState(jobId))) await queue.remove(jobId);
    }
  }
}

/**
 * The runs 0…n-1 without a gap. The orchestrator numbers reused runs by position, so a run stored after a lost one
 * cannot keep its index; it is run again instead (its stored rows stay, the natural keys ignore the repeat).
 */
function contiguous(runs: readonly StageRun[]): StageRun[] {
  const sorted = [...runs].sort((a, b) => a.index - b.index);
  const end = sorted.findIndex((run, i) => run.index !== i);
  return end === -1 ? sorted : sorted.slice(0, end);
}
