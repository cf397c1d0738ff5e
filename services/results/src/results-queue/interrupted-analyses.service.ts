import { Injectable } from '@nestjs/common';
import { AnalysisErrorCode, SCHEMA_VERSION } from '@ultra/contracts';
import { JobProducer } from '@ultra/platform';
import type { Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { z } from 'zod';
import { causeOf, isUnrecoverable, UnknownAnalysisError } from './job-failures';

/** Enough of any results job to name its analysis, even one whose data failed validation. */
const envelopeOf = z.object({ analysisId: z.uuid(), requestId: z.string().min(1).max(200).catch('unknown') });

/**
 * A results job that fails for good would leave its analysis running forever (its finish can never be applied), so
 * the analysis is ended at once through analysis.terminate: failed with code `interrupted`, naming the job and the
 * cause. A terminate that fails, or a job for an analysis that does not exist, ends nothing.
 */
@Injectable()
export class InterruptedAnalysesService {
  constructor(
    private readonly jobs: JobProducer,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(InterruptedAnalysesService.name);
  }

  /** Whether BullMQ will try the job again after this failure. */
  static isFinal(job: Job, error: Error): boolean {
    return isUnrecoverable(error) || job.attemptsMade >= (job.opts.attempts ?? 1);
  }

  async jobFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job || !InterruptedAnalysesService.isFinal(job, error)) return;
    if (job.name === 'analysis.terminate' || error instanceof UnknownAnalysisError) return;
    const envelope = envelopeOf.safeParse(job.data);
    if (!envelope.success) return;
    const { analysisId, requestId } = envelope.data;
    const message =
      `results job ${job.name} (${job.id ?? 'no id'}) failed for good after ${job.attemptsMade} attempt(s): ` +
      causeOf(error);
    try {
      await this.jobs.add(
        'analysis.terminate',
        { schemaVersion: SCHEMA_VERSION, analysisId, requestId, code: AnalysisErrorCode.Interrupted, message },
        { jobId: `${analysisId}_interrupted` },
      );
      this.logger.warn({ analysisId, jobId: job.id, job: job.name }, `ending the analysis: ${message}`);
    } catch (addError) {
      // The watchdog ends it later (deadline), so a lost terminate delays the end but never loses it.
      this.logger.error({ err: addError, analysisId }, 'could not add analysis.terminate for a failed job');
    }
  }
}
