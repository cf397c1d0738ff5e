import { WorkerHost } from '@nestjs/bullmq';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import type { PinoLogger } from 'nestjs-pino';

/**
 * What every queue consumer shares: each failed attempt logged with its cause (one that will be retried at info,
 * the last at error), worker errors logged, and the jobs in hand finished before Nest closes the Redis and
 * database connections they use.
 */
export abstract class QueueProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: PinoLogger;

  onApplicationBootstrap(): void {
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'queue worker error'));
    this.worker.on('failed', (job: Job | undefined, error: Error) => {
      const final = !job || error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      const bindings = { err: error, jobId: job?.id, job: job?.name, attemptsMade: job?.attemptsMade };
      if (final) this.logger.error(bindings, 'job failed for good');
      else this.logger.info(bindings, 'job failed; it will be retried');
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
