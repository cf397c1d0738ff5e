import { Inject, Injectable, Logger } from '@nestjs/common';
import { type PatternInfo, type PatternSpec, patternSpecSchema } from '@ultra/contracts';
import { problemsOf } from '../common/zod-validation.pipe';
import { InvalidPatternException } from './pattern.exceptions';
import { UserPatternsRepository } from './user-patterns.repository';

/** Injection token of the patterns loaded from files at boot (config/patterns, then ULTRA_PATTERNS_DIR). */
export const BUILTIN_PATTERNS = 'BUILTIN_PATTERNS';

export type PatternSource = PatternInfo['source'];

export interface ResolvedPattern {
  spec: PatternSpec;
  source: PatternSource;
}

/** A pattern as `GET /api/patterns` lists it: what a client needs to choose one and show its outline. */
export function patternInfoOf({ spec, source }: ResolvedPattern): PatternInfo {
  return {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    source,
    params: spec.params,
    stages: spec.stages.map(({ id, label, kind, description }) =>
      description === undefined ? { id, label, kind } : { id, label, kind, description },
    ),
  };
}

/**
 * Every pattern an analysis can run: the built-ins, read once at boot, and each user's own, read from the
 * database. A built-in wins over a user's pattern of the same id (creating one is refused, but a later built-in
 * may take an id a user already has).
 */
@Injectable()
export class PatternRegistry {
  private readonly logger = new Logger(PatternRegistry.name);
  private readonly builtins: ReadonlyMap<string, PatternSpec>;

  constructor(
    @Inject(BUILTIN_PATTERNS) builtins: readonly PatternSpec[],
    private readonly users: UserPatternsRepository,
  ) {
    this.builtins = new Map(builtins.map((spec) => [spec.id, spec]));
  }

  builtin(id: string): PatternSpec | undefined {
    return this.builtins.get(id);
  }

  builtinIds(): string[] {
    return [...this.builtins.keys()];
  }

  /**
   * The user's own pattern of this id. Stored documents were checked when written; they are parsed again so that
   * one stored under an older schema is refused by name rather than run half-understood.
   */
  async own(id: string, userId: string): Promise<PatternSpec | undefined> {
    const row = await this.users.find(userId, id);
    if (!row) return undefined;
    const parsed = patternSpecSchema.safeParse(row.spec);
    if (!parsed.success) throw new InvalidPatternException(problemsOf(parsed.error, 'pattern'));
    return parsed.data;
  }

  /** Built-ins first, then the caller's own; undefined when neither has the id. */
  async find(id: string, userId: string): Promise<ResolvedPattern | undefined> {
    const builtin = this.builtins.get(id);
    if (builtin) return { spec: builtin, source: 'builtin' };
    const own = await this.own(id, userId);
    return own && { spec: own, source: 'user' };
  }

  /** The built-ins in load order, then the caller's own by id. */
  async list(userId: string): Promise<ResolvedPattern[]> {
    const own: ResolvedPattern[] = [];
    for (const row of await this.users.listOf(userId)) {
      const parsed = patternSpecSchema.safeParse(row.spec);
      if (parsed.success) own.push({ spec: parsed.data, source: 'user' });
      else this.logger.warn(`user pattern ${row.id} (${row.slug}) no longer passes the pattern schema; not listed`);
    }
    return [...[...this.builtins.values()].map((spec): ResolvedPattern => ({ spec, source: 'builtin' })), ...own];
  }
}
