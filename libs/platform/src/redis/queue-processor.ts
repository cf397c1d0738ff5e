import { WorkerHost } from '@nestjs/bullmq';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import type { PinoLogger } from 'nestjs-pino';
import { counterOf, histogramOf } from '../metrics/metrics-registry';

/**
 * What every queue consumer shares: each failed attempt logged with its cause (one that will be retried at info,
 * the last at error), worker errors logged, and the jobs in hand finished before Nest closes the Redis and
 * database connections they use. Every attempt's duration and every failure are counted per queue and job name.
 */
export abstract class QueueProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: PinoLogger;

  onApplicationBootstrap(): void {
    const queue = this.worker.name;
    const duration = histogramOf({
      name: 'bullmq_job_duration_seconds',
      help: 'Time one attempt of a job took, completed or failed, by queue and job name.',
      labelNames: ['queue', 'job'] as const,
    });
    const failures = counterOf({
      name: 'bullmq_jobs_failed_total',
      help: 'Failed job attempts by queue and job name; final="true" when no retry follows.',
      labelNames: ['queue', 'job', 'final'] as const,
    });
    const timed = (job: Job | undefined) => {
      if (job?.processedOn)
        duration.observe({ queue, job: job.name }, Math.max(0, Date.now() - job.processedOn) / 1000);
    };
    this.worker.on('completed', timed);
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'queue worker error'));
    this.worker.on('failed', (job: Job | undefined, error: Error) => {
      const final = !job || error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      timed(job);
      failures.inc({ queue, job: job?.name ?? 'unknown', final: String(final) });
      const bindings = { err: error, jobId: job?.id, job: job?.name, attemptsMade: job?.attemptsMade };
      if (final) this.logger.error(bindings, 'job failed for good');
      else this.logger.info(bindings, 'job failed; it will be retried');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
