import {
  type AnalysisView,
  type ErrorCategory,
  type JobNameOn,
  type JobOf,
  type ModelCallResult,
  type ModelId,
  type PatternSpec,
  QueueName,
  SCHEMA_VERSION,
  type StageName,
} from '@ultra/contracts';
import { redisOptionsFromUrl } from '@ultra/platform';
import { Job, type JobsOptions, Queue } from 'bullmq';
import { eventually } from '../../../../test/support/eventually';
import { jsonRequest } from '../../../../test/support/http';
import { fourStagePattern } from './patterns';
import { analysisCommand, type ResultsTestApp } from './results-test-app';

type ResultsJobName = JobNameOn<typeof QueueName.Results>;
export type Envelope = JobOf<'analysis.started'>;
export type StageRecord = JobOf<'stage.record'>;

/** What the orchestrator sets on results jobs. */
export const RETRIES: JobsOptions = { attempts: 12, backoff: { type: 'exponential', delay: 25 } };

/**
 * Drives a results test app as the gateway and the orchestrator would: creates analyses over the internal API and
 * adds results jobs on its queue. Close it before the app.
 */
export class ResultsJobs {
  readonly queue: Queue;

  constructor(
    private readonly app: ResultsTestApp,
    readonly userId: string,
  ) {
    this.queue = new Queue(QueueName.Results, {
      connection: redisOptionsFromUrl(app.redis.url),
      prefix: app.redis.prefix,
    });
  }

  /** A new queued analysis; returns the envelope its jobs carry. */
  async createAnalysis(
    patternSpec: PatternSpec | null = fourStagePattern('confidence'),
    models: ModelId[] = ['mock:alpha', 'mock:beta'],
  ): Promise<Envelope> {
    const pattern = patternSpec?.id ?? 'confidence';
    const command = analysisCommand({ userId: this.userId, models, ultraModel: models[0], pattern });
    const created = await jsonRequest(this.app.url, 'POST', '/internal/analyses', {
      body: patternSpec ? { ...command, patternSpec } : command,
    });
    if (created.status !== 201) throw new Error(`create answered ${created.status}`);
    if (!patternSpec) await this.app.sql('UPDATE analyses SET pattern_spec = NULL WHERE id = $1', [command.id]);
    return { schemaVersion: SCHEMA_VERSION, analysisId: command.id, requestId: command.requestId };
  }

  add<N extends ResultsJobName>(name: N, data: JobOf<N>, opts: JobsOptions = {}): Promise<Job> {
    return this.queue.add(name, data, { ...RETRIES, ...opts });
  }

  /** Adds a stage.record under the job id the orchestrator uses. */
  addRecord(data: StageRecord): Promise<Job> {
    return this.add('stage.record', data, { jobId: `${data.analysisId}_${data.stageIndex}_record` });
  }

  /** Adds a stage.record as {@link addRecord} does and waits until it has completed. */
  async record(data: StageRecord): Promise<Job> {
    return this.settled(await this.addRecord(data), 'completed');
  }

  /** The job once it is in `state`. State first: a job read before it settles may be stale. */
  settled(job: Job, state: 'completed' | 'failed'): Promise<Job> {
    const id = job.id ?? '';
    return eventually(`job ${id} to be ${state}`, async () => {
      if ((await this.queue.getJobState(id)) !== state) return undefined;
      return Job.fromId(this.queue, id);
    });
  }

  /** A job of another queue once it is in `state`. */
  settledOn(queue: Queue, id: string, state: 'completed' | 'failed'): Promise<true> {
    return eventually(`job ${id} to be ${state}`, async () => (await queue.getJobState(id)) === state || undefined);
  }

  async view(analysisId: string): Promise<AnalysisView> {
    const path = `/internal/analyses/${analysisId}?userId=${this.userId}`;
    const response = await jsonRequest<AnalysisView>(this.app.url, 'GET', path);
    if (response.status !== 200) throw new Error(`view answered ${response.status}`);
    return response.body;
  }

  /** The analysis once it has ended. */
  ended(analysisId: string): Promise<AnalysisView> {
    return eventually(`analysis ${analysisId} to end`, async () => {
      const view = await this.view(analysisId);
      return view.status === 'completed' || view.status === 'failed' ? view : undefined;
    });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export function answered(model: ModelId, stage: StageName, overrides: Partial<ModelCallResult> = {}): ModelCallResult {
  return {
    model,
    sample: 0,
    status: 'completed',
    text: `${model} on ${stage}`,
    error: null,
    latencyMs: 20,
    usage: { inputTokens: 10, outputTokens: 4, costUsd: 0.0005 },
    finishReason: 'stop',
    ...overrides,
  };
}

export function failedCall(model: ModelId, category: ErrorCategory, message: string): ModelCallResult {
  return {
    model,
    sample: 0,
    status: 'failed',
    text: null,
    error: { category, message },
    latencyMs: 7,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    finishReason: null,
  };
}

/** A generate run (round 1 unless `extra` says otherwise) as the orchestrator records it. */
export function stageRecord(
  envelope: Envelope,
  stage: StageName,
  stageIndex: number,
  outputs: ModelCallResult[],
  extra: Partial<StageRecord> = {},
): StageRecord {
  const label = stage.charAt(0).toUpperCase() + stage.slice(1);
  return { ...envelope, stage, stageIndex, label, kind: 'generate', round: 1, outputs, ...extra };
}

export function finishJob(envelope: Envelope, overrides: Partial<JobOf<'analysis.finish'>>): JobOf<'analysis.finish'> {
  return {
    ...envelope,
    status: 'completed',
    expectedOutputs: 0,
    expectedRuns: 0,
    result: null,
    error: null,
    ...overrides,
  };
}
