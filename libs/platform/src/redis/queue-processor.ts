import { WorkerHost } from '@nestjs/bullmq';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job, RateLimitError, UnrecoverableError, WaitingChildrenError, WaitingError } from 'bullmq';
import type { PinoLogger } from 'nestjs-pino';
import { counterOf, histogramOf } from '../metrics/metrics-registry';
import { reportException } from '../telemetry/sentry-reporter';
import { contextOf, inSpan, SpanKind } from '../telemetry/trace-context';

/** BullMQ's ways for a processor to say "not now": the attempt is neither failed nor spent. */
const isControlFlow = (error: unknown) =>
  error instanceof DelayedError ||
  error instanceof WaitingChildrenError ||
  error instanceof WaitingError ||
  error instanceof RateLimitError;

interface TracedJobData {
  traceContext?: unknown;
  analysisId?: unknown;
  requestId?: unknown;
}

/**
 * What every queue consumer shares: each failed attempt logged with its cause (one that will be retried at info,
 * the last at error), worker errors logged, and the jobs in hand finished before Nest closes the Redis and
 * database connections they use. Every attempt's duration and every failure are counted per queue and job name.
 * Every attempt runs in a span that continues the trace its producer put in the job; an unexpected failure of a
 * job's last attempt is reported to Sentry.
 */
export abstract class QueueProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly logger: PinoLogger;

  /** One attempt of a job: what each processor does, dispatching on `job.name`. */
  protected abstract handle(job: Job, token?: string): Promise<unknown>;

  /** Failures that are part of the job's normal life (a provider's error, a wait): never reported as bugs. */
  protected expectedFailure(_error: unknown): boolean {
    return false;
  }

  async process(job: Job, token?: string): Promise<unknown> {
    const data = (job.data ?? {}) as TracedJobData;
    const attributes = {
      'messaging.system': 'bullmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': this.worker.name,
      'messaging.message.id': job.id ?? '',
      'ultra.job.attempt': job.attemptsMade + 1,
      ...(typeof data.analysisId === 'string' && { 'ultra.analysis.id': data.analysisId }),
    };
    const parent = contextOf(data.traceContext);
    const options = { kind: SpanKind.CONSUMER, attributes, parent, skipFailure: isControlFlow };
    return inSpan(`process ${job.name}`, options, async () => {
      try {
        return await this.handle(job, token);
      } catch (error) {
        if (isControlFlow(error)) throw error;
        const last = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (last && !this.expectedFailure(error)) {
          const requestId = typeof data.requestId === 'string' ? data.requestId : undefined;
          reportException(error, { requestId, where: `${this.worker.name}/${job.name}` });
        }
        throw error;
      }
    });
  }

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
