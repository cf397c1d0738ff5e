import { getFlowProducerToken, getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  InvalidJobError,
  type JobName,
  type JobOf,
  jobSchemas,
  QueueName,
  queueOf,
  WEBHOOK_BACKOFF_TYPE,
} from '@ultra/contracts';
import type { FlowJob, FlowProducer, Job, JobsOptions, Queue } from 'bullmq';
import { traceCarrier } from '../telemetry/trace-context';

/** The flow producer every service that adds flows registers (`BullModule.registerFlowProducer({name})`). */
export const JOB_FLOWS = 'job-flows';

/** Bounded history: enough to inspect recent runs without letting Redis grow without limit. */
const history = { removeOnComplete: { age: 3_600 }, removeOnFail: { age: 7 * 86_400 } } as const;
/**
 * Results jobs outlast a Postgres outage of several minutes: 12 tries, backing off from 200 ms (about 14 minutes
 * in all).
 */
const resultsJob: JobsOptions = { ...history, attempts: 12, backoff: { type: 'exponential', delay: 200 } };

/**
 * Every job's options, by name: the one table. Callers add only the job id and what their configuration decides
 * (a model call's attempts and backoff).
 */
export const jobOptions: { readonly [N in JobName]: JobsOptions } = {
  'analysis.start': {
    attempts: 3,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { count: 1_000 },
    removeOnFail: { count: 5_000 },
  },
  'stage.collect': { ...history, attempts: 5, backoff: { type: 'exponential', delay: 200 } },
  // A task that dies for good must not block its stage: the collector records it as failed.
  'model.call': { ...history, ignoreDependencyOnFailure: true },
  'stage.record': resultsJob,
  'analysis.started': resultsJob,
  // Should an earlier stage record still be on its way, results retries the finish until it is stored (~27 min).
  'analysis.finish': { ...resultsJob, attempts: 16, backoff: { type: 'exponential', delay: 25 } },
  'analysis.terminate': resultsJob,
  // Backoff is the results webhooks worker's (exponential, each wait capped at an hour); results sets attempts and
  // delay from WEBHOOK_BACKOFF_MS so that the tries span 24 h. A failed delivery is kept as long as it is tried.
  'webhook.deliver': {
    attempts: 33,
    backoff: { type: WEBHOOK_BACKOFF_TYPE, delay: 10_000 },
    removeOnComplete: { age: 86_400 },
    removeOnFail: { age: 7 * 86_400 },
  },
};

export type JobAddOptions = JobsOptions & { jobId: string };

/**
 * Checks data against its job's contract before it leaves, so a bad job is the producer's error, not a consumer's.
 * The job carries the producer's trace context (replacing any it was copied from), so its consumer continues it.
 */
export function validJobData<N extends JobName>(name: N, data: JobOf<N>): JobOf<N> {
  const parsed = jobSchemas[name].safeParse({ ...data, traceContext: traceCarrier() });
  if (!parsed.success) throw new InvalidJobError(name, parsed.error.issues);
  return parsed.data as JobOf<N>;
}

/** A node of a BullMQ flow: its queue comes from `queueOf`, its options from the table, its data is validated. */
export function flowJob<N extends JobName>(
  name: N,
  data: JobOf<N>,
  opts: JobAddOptions,
  children?: FlowJob[],
): FlowJob {
  return {
    name,
    queueName: queueOf[name],
    data: validJobData(name, data),
    opts: { ...jobOptions[name], ...opts },
    ...(children && { children }),
  };
}

/**
 * The typed way onto every queue: `add(name, data)` can only send a job's own data to its own queue. The queues
 * and the flow producer are the ones the service registered with BullModule, found by their tokens.
 */
@Injectable()
export class JobProducer implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobProducer.name);

  constructor(private readonly moduleRef: ModuleRef) {}

  /**
   * A queue's connection errors (Redis away, each reconnect attempt) are logged as warnings; without a listener
   * BullMQ prints each one to stderr with its stack.
   */
  onApplicationBootstrap(): void {
    for (const name of Object.values(QueueName)) {
      let queue: Queue;
      try {
        queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      } catch {
        continue; // this service does not produce onto that queue
      }
      queue.on('error', (error: Error) => this.logger.warn(`queue ${name}: ${error.message}`));
    }
  }

  add<N extends JobName>(name: N, data: JobOf<N>, opts: JobAddOptions): Promise<Job> {
    return this.queue(name).add(name, validJobData(name, data), { ...jobOptions[name], ...opts });
  }

  /** Several jobs of one name in one round trip. */
  addBulk<N extends JobName>(name: N, jobs: { data: JobOf<N>; opts: JobAddOptions }[]): Promise<Job[]> {
    return this.queue(name).addBulk(
      jobs.map(({ data, opts }) => ({ name, data: validJobData(name, data), opts: { ...jobOptions[name], ...opts } })),
    );
  }

  /** Adds a flow built with `flowJob`: the parent runs once every child has completed. */
  async flow(tree: FlowJob): Promise<void> {
    await this.moduleRef.get<FlowProducer>(getFlowProducerToken(JOB_FLOWS), { strict: false }).add(tree);
  }

  private queue(name: JobName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(queueOf[name]), { strict: false });
  }
}
