import { Inject, Injectable } from '@nestjs/common';
import {
  analysisCancelledKey,
  type AnalysisSpec,
  analysisSpecSchema,
  modelIdSchema,
  stageNameSchema,
} from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { OrchestratorConfig } from '../config/orchestrator.config';

/** What later prompts need of a stage run: who answered, and what. */
const stageRunSchema = z.object({
  stageIndex: z.number().int(),
  stage: stageNameSchema,
  outputs: z.array(
    z.object({ model: modelIdSchema, status: z.enum(['completed', 'failed']), text: z.string().nullable() }),
  ),
});
export type StageRun = z.infer<typeof stageRunSchema>;
export type StageRunOutputs = StageRun['outputs'];

export interface AnalysisContext {
  spec: AnalysisSpec;
  /** Epoch ms after which the analysis fails and its calls are aborted. */
  deadlineAt: number;
  /** A user cancelled the analysis: no further stage starts. */
  cancelled: boolean;
  /** Every stage run so far, in order (a stage runs again when the ultra model falls back). */
  runs: StageRun[];
}

/**
 * The orchestrator's working memory of an analysis: its spec and the texts of each stage run, in one Redis hash
 * with a TTL. Postgres (via results) stays the record; this is what building the next prompts needs, one round
 * trip away.
 */
@Injectable()
export class AnalysisContextRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: OrchestratorConfig,
  ) {}

  private key(analysisId: string): string {
    return `${this.config.QUEUE_PREFIX}:analysis-context:${analysisId}`;
  }

  /** Stores the spec and says, in the same round trip, whether the analysis was cancelled before it started. */
  async saveSpec(analysisId: string, spec: AnalysisSpec, deadlineAt: number): Promise<{ cancelled: boolean }> {
    const key = this.key(analysisId);
    const results = await this.redis
      .multi()
      .hset(key, 'spec', JSON.stringify(spec), 'deadlineAt', String(deadlineAt))
      .expire(key, this.config.ANALYSIS_CONTEXT_TTL_S)
      .exists(analysisCancelledKey(this.config.QUEUE_PREFIX, analysisId))
      .exec();
    return { cancelled: results?.[2]?.[1] === 1 };
  }

  /** The whole context, and whether the analysis was cancelled, in one round trip. */
  async load(analysisId: string): Promise<AnalysisContext> {
    const results = await this.redis
      .multi()
      .hgetall(this.key(analysisId))
      .exists(analysisCancelledKey(this.config.QUEUE_PREFIX, analysisId))
      .exec();
    const [error, fields] = results?.[0] ?? [new Error('transaction aborted'), null];
    if (error) throw error;
    return { ...this.parse(analysisId, fields as Record<string, string>), cancelled: results?.[1]?.[1] === 1 };
  }

  /** Records a stage run; recording the same run twice is harmless. */
  async saveRun(analysisId: string, run: StageRun): Promise<void> {
    const key = this.key(analysisId);
    await this.redis
      .multi()
      .hset(key, `run:${run.stageIndex}`, JSON.stringify(run))
      .expire(key, this.config.ANALYSIS_CONTEXT_TTL_S)
      .exec();
  }

  /** Keeps an ended analysis' context a little longer, so a re-delivered last event still finds it. */
  async release(analysisId: string): Promise<void> {
    await this.redis.expire(this.key(analysisId), 300);
  }

  private parse(analysisId: string, fields: Record<string, string>): Omit<AnalysisContext, 'cancelled'> {
    if (!fields.spec) throw new Error(`analysis ${analysisId}: context is missing (expired or never started)`);
    const spec = analysisSpecSchema.parse(JSON.parse(fields.spec));
    const runs = Object.entries(fields)
      .filter(([field]) => field.startsWith('run:'))
      .map(([, value]) => stageRunSchema.parse(JSON.parse(value)))
      .sort((a, b) => a.stageIndex - b.stageIndex);
    // Contexts written before deadlines existed have none: they never expire by deadline.
    const deadlineAt = fields.deadlineAt ? Number(fields.deadlineAt) : Number.MAX_SAFE_INTEGER;
    return { spec, deadlineAt, runs };
  }
}
