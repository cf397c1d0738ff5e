import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { toApiError } from '@ultra/platform';
import type { AuthUser } from '../auth/token-claims';
import { API_PREFIX } from '../common/http-constants';
import { DailyUsageService } from './daily-usage.service';
import { LimitReached, type LimitState, RateLimitsService } from './rate-limits.service';
import { UserTierService } from './user-tier.service';

/** The routes that start an analysis: they count against analysesPerMinute and the daily budget too. */
export const ANALYSIS_ROUTES: ReadonlySet<string> = new Set([
  ...['analyze', 'analyses/:id/rerun', 'analyses/:id/follow-ups'].map((route) => `POST /${API_PREFIX}/${route}`),
  // The compatible API (count_tokens starts none).
  ...['chat/completions', 'responses', 'messages'].map((route) => `POST /v1/${route}`),
]);

/**
 * Whether a failed request was refused as given (a 4xx: bad input, unknown model or pattern), before any analysis
 * started. A 5xx may come after one started (a compatible call whose analysis failed, or whose client left), so it
 * keeps its count: giving it back would let aborted calls run past the limit.
 */
export function refusedAsGiven(error: unknown): boolean {
  const { status } = toApiError(error);
  return status >= 400 && status < 500;
}

/** The IETF draft's RateLimit-* fields, of the limit closest to being reached. */
function setRateLimitHeaders(reply: FastifyReply, state: LimitState): void {
  void reply.header('RateLimit-Limit', state.limit);
  void reply.header('RateLimit-Remaining', state.remaining);
  void reply.header('RateLimit-Reset', state.resetS);
}

/**
 * Global, and interceptors run after every guard: the caller is authenticated (by token or API key) when this
 * counts their request. Public routes (no caller) are not counted here.
 */
@Injectable()
export class LimitsInterceptor implements NestInterceptor {
  constructor(
    private readonly tiers: UserTierService,
    private readonly rateLimits: RateLimitsService,
    private readonly usage: DailyUsageService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: AuthUser }>();
    if (!request.user) return next.handle();
    const reply = http.getResponse<FastifyReply>();
    const userId = request.user.id;
    const tier = await this.tiers.tierOf(userId);
    const startsAnalysis = ANALYSIS_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ''}`);
    try {
      let state = await this.rateLimits.consume('requests', tier, userId);
      setRateLimitHeaders(reply, state);
      await this.usage.countRequest(userId);
      if (startsAnalysis) {
        await this.usage.assertWithinBudget(userId, tier);
        const analyses = await this.rateLimits.consume('analyses', tier, userId);
        if (analyses.remaining < state.remaining) state = analyses;
        setRateLimitHeaders(reply, state);
      }
    } catch (error) {
      if (!(error instanceof LimitReached)) throw error;
      setRateLimitHeaders(reply, error.state);
      void reply.header('Retry-After', error.state.resetS);
      throw error.refusal;
    }
    if (!startsAnalysis) return next.handle();
    return next.handle().pipe(
      // A request refused as given started no analysis: its point of the analyses/min allowance comes back; the
      // request itself still counted.
      catchError((error: unknown) =>
        refusedAsGiven(error)
          ? from(this.rateLimits.giveBack('analyses', tier, userId)).pipe(mergeMap(() => throwError(() => error)))
          : throwError(() => error),
      ),
      // Counted in the day's usage once accepted.
      mergeMap((body: unknown) => from(this.usage.countAnalysis(userId).then(() => body))),
    );
  }
}
