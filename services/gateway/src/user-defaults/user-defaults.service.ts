import { Injectable } from '@nestjs/common';
import type { UserDefaults, UserDefaultsRequest, UserDefaultsView } from '@ultra/contracts';
import { AnalysisRequestValidator } from '../analyses/analysis-request.validator';
import { UserDefaultsRepository } from './user-defaults.repository';

/** What GET answers when the caller has set no panel: the same shape, empty, so clients need no 404 branch. */
const NONE: UserDefaultsView = { models: [], ultraModel: null, pattern: null };

/**
 * The caller's default panel. Set with the checks and error codes of `POST /api/analyze` (the same validator), except
 * readiness: a model whose provider has no key yet may be a default, the key may come later. Analyses check again.
 */
@Injectable()
export class UserDefaultsService {
  constructor(
    private readonly rows: UserDefaultsRepository,
    private readonly validator: AnalysisRequestValidator,
  ) {}

  /** The stored panel, or null when the user has none; for other features (e.g. the compatible API). */
  async get(userId: string): Promise<UserDefaults | null> {
    const row = await this.rows.findOf(userId);
    return row && { models: row.models, ultraModel: row.ultraModel, pattern: row.pattern };
  }

  async view(userId: string): Promise<UserDefaultsView> {
    return (await this.get(userId)) ?? NONE;
  }

  /** Replaces the whole panel: unknown models, then the ultra model, then the pattern, as analyze checks them. */
  async put(userId: string, request: UserDefaultsRequest): Promise<UserDefaults> {
    const { models, ultraModel = models[0], pattern } = request;
    this.validator.knownModels(models);
    this.validator.checkUltraModel(models, ultraModel);
    // Stored as the caller spelled it: a built-in's id, or one of the caller's own (which may later be deleted).
    if (pattern !== undefined) await this.validator.resolvePattern(pattern, userId);
    const defaults: UserDefaults = { models, ultraModel, pattern: pattern ?? null };
    await this.rows.put(userId, defaults);
    return defaults;
  }

  clear(userId: string): Promise<void> {
    return this.rows.remove(userId);
  }
}
