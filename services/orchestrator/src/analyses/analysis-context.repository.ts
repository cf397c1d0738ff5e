import { Inject, Injectable } from '@nestjs/common';
import {
  analysisCancelledKey,
  type AnalysisSpec,
  analysisSpecSchema,
  type StageRun,
  stageRunSchema,
} from '@ultra/contracts';
import { APP_CONFIG, REDIS } from '@ultra/platform';
import type { Redis } from 'ioredis';
import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ParsedTexts } from './parsed-texts';

export interface AnalysisContext {
  spec: AnalysisSpec;
  /** Epoch ms after which the analysis fails and its calls are aborted. */
  deadlineAt: number;
  /** A user cancelled the analysis: no further stage starts. */
  cancelled: boolean;
  /** Every stage run so far, in index order (a fallback or a further round is a further run). */
  runs: StageRun[];
}

/**
 * The orchestrator's working memory of an analysis: its spec and the texts of each stage run, in one Redis hash
 * with a TTL. Postgres (via results) stays the record; this is what building the next prompts needs, one round
 * trip away.
 */
@Injectable()
export class AnalysisContextRepository {
  /**
   * The spec and each run are read back on every step of an analysis but never change once written, so each
   * stored text is parsed and validated once per process (the objects are shared: callers never mutate them).
   */
  private readonly specs = new ParsedTexts(analysisSpecSchema, 500);
  private readonly runs = new ParsedTexts(stageRunSchema, 4_000);

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

  /** Records stage runs; recording the same run twice is harmless (a run is keyed by its index). */
  async saveRuns(analysisId: string, runs: readonly StageRun[]): Promise<void> {
    if (runs.length === 0) return;
    const key = this.key(analysisId);
    const fields = runs.flatMap((run) => [`run:${run.index}`, JSON.stringify(run)]);
    await this.redis
      .multi()
      .hset(key, ...fields)
      .expire(key, this.config.ANALYSIS_CONTEXT_TTL_S)
      .exec();
  }

  /** Keeps an ended analysis' context a little longer, so a re-delivered last event still finds it. */
  async release(analysisId: string): Promise<void> {
    await this.redis.expire(this.key(analysisId), 300);
  }

  private parse(analysisId: string, fields: Record<string, string>): Omit<AnalysisContext, 'cancelled'> {
    if (!fields.spec) throw new Error(`analysis ${analysisId}: context is missing (expired or never started)`);
    const spec = this.specs.parse(fields.spec);
    const runs = Object.entries(fields)
      .filter(([field]) => field.startsWith('run:'))
      .map(([, value]) => this.runs.parse(value))
      .sort((a, b) => a.index - b.index);
    // Contexts written before deadlines existed have none: they never expire by deadline.
    const deadlineAt = fields.deadlineAt ? Number(fields.deadlineAt) : Number.MAX_SAFE_INTEGER;
    return { spec, deadlineAt, runs };
  }
}
