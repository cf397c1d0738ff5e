import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable, of, throwError } from 'rxjs';
import type { AuthUser } from '../auth/token-claims';
import { fingerprintOf, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, idempotencyKeyOf } from './idempotency-key';
import { IdempotencyService } from './idempotency.service';

const SCOPE = 'ultra:idempotency-scope';

/**
 * Makes a POST route honour `Idempotency-Key` (see IdempotencyService); `scope` names the endpoint, so one key
 * means one request per endpoint and user. The route must need a signed-in user.
 */
export const Idempotent = (scope: string) =>
  applyDecorators(SetMetadata(SCOPE, scope), UseInterceptors(IdempotencyInterceptor));

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: AuthUser }>();
    const key = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
    if (key === undefined || !request.user) return next.handle();
    const handler = context.getHandler();
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, handler) ?? HttpStatus.CREATED;
    const claim = await this.idempotency.claim({
      scope: this.reflector.get<string>(SCOPE, handler),
      userId: request.user.id,
      key,
      fingerprint: fingerprintOf(request.url.split('?')[0] ?? '', request.body),
    });
    if (claim.kind === 'replay') {
      void http.getResponse<FastifyReply>().status(claim.answer.status).header(IDEMPOTENT_REPLAYED_HEADER, 'true');
      return of(claim.answer.body);
    }
    return next.handle().pipe(
      mergeMap((body: unknown) => from(claim.complete({ status, body }).then(() => body))),
      // Only an answer binds the key: after a failure the same key may be retried.
      catchError((error: unknown) => from(claim.release()).pipe(mergeMap(() => throwError(() => error)))),
    );
  }
}
