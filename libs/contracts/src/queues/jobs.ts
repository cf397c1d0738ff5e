import type { z } from 'zod';
import {
  analysisFinishJob,
  analysisStartedJob,
  analysisStartJob,
  analysisTerminateJob,
  modelCallJob,
  stageCollectJob,
  stageRecordJob,
} from './job-payloads';
import { webhookDeliverJob } from '../webhooks/webhooks';

/** Queue names are part of the wire format: never rename a released one. */
export const QueueName = {
  Analyses: 'analyses',
  ModelTasks: 'model-tasks',
  Results: 'results',
  Webhooks: 'webhooks',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const jobSchemas = {
  'analysis.start': analysisStartJob,
  'stage.collect': stageCollectJob,
  'model.call': modelCallJob,
  'stage.record': stageRecordJob,
  'analysis.started': analysisStartedJob,
  'analysis.finish': analysisFinishJob,
  'analysis.terminate': analysisTerminateJob,
  'webhook.deliver': webhookDeliverJob,
} as const;

export type JobName = keyof typeof jobSchemas;
export type JobItem = { [N in JobName]: { name: N; data: z.infer<(typeof jobSchemas)[N]> } }[JobName];
export type JobOf<N extends JobName> = Extract<JobItem, { name: N }>['data'];

export const queueOf = {
  'analysis.start': QueueName.Analyses,
  'stage.collect': QueueName.Analyses,
  'model.call': QueueName.ModelTasks,
  'stage.record': QueueName.Results,
  'analysis.started': QueueName.Results,
  'analysis.finish': QueueName.Results,
  'analysis.terminate': QueueName.Results,
  'webhook.deliver': QueueName.Webhooks,
} as const satisfies Record<JobName, QueueName>;

/** Jobs a queue accepts: a processor's switch over them is checked for exhaustiveness. */
export type JobNameOn<Q extends QueueName> = { [N in JobName]: (typeof queueOf)[N] extends Q ? N : never }[JobName];
export type JobItemOf<Q extends QueueName> = Extract<JobItem, { name: JobNameOn<Q> }>;

export class InvalidJobError extends Error {
  constructor(
    readonly jobName: string,
    readonly issues: unknown,
  ) {
    super(`invalid job "${jobName}": ${JSON.stringify(issues)}`);
    this.name = 'InvalidJobError';
  }
}

function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobSchemas, name);
}

/**
 * Validates a job on arrival: its name must belong to `queue` and its data must match the name's schema.
 * Throws InvalidJobError otherwise, which processors turn into an unrecoverable failure.
 */
export function parseJob<Q extends QueueName>(job: { name: string; data: unknown }, queue: Q): JobItemOf<Q> {
  const { name } = job;
  if (!isJobName(name)) throw new InvalidJobError(name, 'unknown job name');
  if (queueOf[name] !== queue) throw new InvalidJobError(name, `job belongs to queue ${queueOf[name]}`);
  const parsed = jobSchemas[name].safeParse(job.data);
  if (!parsed.success) throw new InvalidJobError(name, parsed.error.issues);
  return { name, data: parsed.data } as JobItemOf<Q>;
}

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
