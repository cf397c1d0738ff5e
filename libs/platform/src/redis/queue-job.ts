import { InvalidJobError, type JobItemOf, parseJob, type QueueName } from '@ultra/contracts';
import { UnrecoverableError } from 'bullmq';

/**
 * Validates a job on arrival (see contracts' parseJob). A job that breaks the contract fails for good:
 * BullMQ does not retry an UnrecoverableError, because retrying cannot fix its data.
 */
export function parseQueueJob<Q extends QueueName>(job: { name: string; data: unknown }, queue: Q): JobItemOf<Q> {
  try {
    return parseJob(job, queue);
  } catch (error) {
    if (error instanceof InvalidJobError) throw new UnrecoverableError(error.message);
    throw error;
  }
}
