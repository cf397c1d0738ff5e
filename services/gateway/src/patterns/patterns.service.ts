import { Inject, Injectable } from '@nestjs/common';
import { checkPattern, type PatternInfo, type PatternLimits, type PatternSpec, slugSchema } from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import { ValidationFailedException } from '../common/api-exception';
import { type GatewayConfig, patternLimitsOf } from '../config/gateway.config';
import {
  BuiltinPatternException,
  InvalidPatternException,
  PatternExistsException,
  PatternNotFoundException,
} from './pattern.exceptions';

import { patternInfoOf, PatternRegistry } from './pattern-registry';
import { UserPatternsRepository } from './user-patterns.repository';

/** `GET /api/patterns/:id` and the answers of create and replace: the outline and the whole document. */
export interface PatternDocument {
  pattern: PatternInfo;
  spec: PatternSpec;
}

/** `POST /api/patterns/validate`: the document passed every check create runs; `pattern` is it normalized. */
export interface PatternValidation {
  valid: true;
  pattern: PatternSpec;
}

/** The patterns API: everyone reads the built-ins; each user creates, replaces and deletes only their own. */
@Injectable()
export class PatternsService {
  private readonly limits: PatternLimits;

  constructor(
    private readonly registry: PatternRegistry,
    private readonly users: UserPatternsRepository,
    @Inject(APP_CONFIG) config: GatewayConfig,
  ) {
    this.limits = patternLimitsOf(config);
  }

  async list(userId: string): Promise<PatternInfo[]> {
    return (await this.registry.list(userId)).map(patternInfoOf);
  }

  async get(id: string, userId: string): Promise<PatternDocument> {
    const found = slugSchema.safeParse(id).success ? await this.registry.find(id, userId) : undefined;
    if (!found) throw new PatternNotFoundException(id);
    return { pattern: patternInfoOf(found), spec: found.spec };
  }

  async create(document: unknown, userId: string): Promise<PatternDocument> {
    const spec = this.check(document);
    if (this.registry.builtin(spec.id)) throw new PatternExistsException(spec.id, true);
    await this.users.create(userId, spec);
    return { pattern: patternInfoOf({ spec, source: 'user' }), spec };
  }

  /**
   * A dry run of create for editors checking as the user types: the same checks, without the id's uniqueness
   * (the editor of an existing pattern would always collide with itself), and nothing stored.
   */
  validate(document: unknown): PatternValidation {
    return { valid: true, pattern: this.check(document) };
  }

  /** Replaces the caller's pattern `id`; the document must keep that id. */
  async replace(id: string, document: unknown, userId: string): Promise<PatternDocument> {
    await this.ensureOwn(id, userId);
    const spec = this.check(document);
    if (spec.id !== id) {
      throw new ValidationFailedException(`id "${spec.id}" must equal the pattern's id in the path ("${id}")`, [
        { path: 'id', message: `must equal the pattern's id in the path ("${id}"); to rename, create and delete` },
      ]);
    }
    if (!(await this.users.replace(userId, id, spec))) throw new PatternNotFoundException(id);
    return { pattern: patternInfoOf({ spec, source: 'user' }), spec };
  }

  async remove(id: string, userId: string): Promise<void> {
    await this.ensureOwn(id, userId);
    if (!(await this.users.remove(userId, id))) throw new PatternNotFoundException(id);
  }

  /** 409 for a built-in, 404 for an id the caller does not have (another user's included). */
  private async ensureOwn(id: string, userId: string): Promise<void> {
    if (!slugSchema.safeParse(id).success) throw new PatternNotFoundException(id);
    if (await this.users.find(userId, id)) return;
    if (this.registry.builtin(id)) throw new BuiltinPatternException(id);
    throw new PatternNotFoundException(id);
  }

  private check(document: unknown): PatternSpec {
    const checked = checkPattern(document, this.limits);
    if (!checked.ok) throw new InvalidPatternException(checked.problems);
    return checked.spec;
  }
}
