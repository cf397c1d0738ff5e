import { Inject, Injectable } from '@nestjs/common';
import { AnalysisErrorCode, SCHEMA_VERSION } from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { ResultsConfig } from '../config/results.config';
import { AnalysisLifecycleService } from '../results-queue/analysis-lifecycle.service';
import { AnalysisRecoveryService, type Recovery } from './analysis-recovery.service';
import { WatchdogRepository, type WatchedAnalysis } from './watchdog.repository';

export interface SweepReport {
  deadlineExceeded: number;
  neverStarted: number;
  resumed: number;
  ended: number;
}

/**
 * One sweep of the watchdog: every analysis that has not ended either makes progress, is resumed, or is ended with
 * the reason — never left running. In order: past its deadline (plus the grace) → `deadline_exceeded`; never taken
 * on by an orchestrator within the queue timeout → `interrupted`; idle and its orchestrator state lost → resumed
 * from its stored stage runs, or `interrupted` when that is impossible. Every step is idempotent.
 */
@Injectable()
export class WatchdogService {
  constructor(
    private readonly repository: WatchdogRepository,
    private readonly lifecycle: AnalysisLifecycleService,
    private readonly recovery: AnalysisRecoveryService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: ResultsConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WatchdogService.name);
  }

  /**
   * Sweeps unless another replica has in this interval (a Redis lock that expires with the interval). Null when
   * skipped.
   */
  async sweepOnce(): Promise<SweepReport | null> {
    const lock = `${this.config.QUEUE_PREFIX}:watchdog:sweep`;
    const taken = await this.redis.set(lock, String(process.pid), 'PX', this.config.WATCHDOG_INTERVAL_MS, 'NX');
    if (taken !== 'OK') return null;
    return this.sweep();
  }

  async sweep(): Promise<SweepReport> {
    const { WATCHDOG_GRACE_MS: grace, ANALYSIS_QUEUE_TIMEOUT_MS: queueTimeout } = this.config;
    const late = await this.repository.pastDeadline(grace);
    const deadlineExceeded = await this.endAll(late, AnalysisErrorCode.DeadlineExceeded, (a) =>
      a.status === 'queued'
        ? `analysis never started and is past its deadline by more than ${grace} ms`
        : `analysis made no progress past its deadline (by more than ${grace} ms); its work was lost`,
    );
    const waiting = await this.repository.neverStarted(queueTimeout);
    const neverStarted = await this.endAll(
      waiting,
      AnalysisErrorCode.Interrupted,
      () => `no orchestrator took the analysis on within ${queueTimeout} ms`,
    );
    const outcomes: Recovery[] = [];
    for (const idle of await this.repository.idle(grace)) {
      outcomes.push(await this.recovery.recover(idle).catch((error: unknown) => this.failed(idle, error)));
    }
    const report = {
      deadlineExceeded,
      neverStarted,
      resumed: outcomes.filter((o) => o === 'resumed').length,
      ended: outcomes.filter((o) => o === 'ended').length,
    };
    if (Object.values(report).some((n) => n > 0)) this.logger.warn(report, 'watchdog acted');
    return report;
  }

  private async endAll(
    analyses: readonly WatchedAnalysis[],
    code: string,
    message: (analysis: WatchedAnalysis) => string,
  ): Promise<number> {
    let ended = 0;
    for (const analysis of analyses) {
      const job = { schemaVersion: SCHEMA_VERSION, analysisId: analysis.id, requestId: analysis.requestId } as const;
      if (await this.lifecycle.terminate({ ...job, code, message: message(analysis) })) ended++;
    }
    return ended;
  }

  /** One analysis that cannot be recovered now must not stop the sweep of the others; the next sweep tries again. */
  private failed(analysis: WatchedAnalysis, error: unknown): Recovery {
    this.logger.error({ err: error, analysisId: analysis.id }, 'could not recover analysis');
    return 'alive';
  }
}
