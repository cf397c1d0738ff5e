import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The request's correlation id: the caller's `x-request-id` when sane, otherwise a generated one. It is the id
 * pino logs and the gateway echoes, and it goes into the job data so one grep follows the analysis.
 */
export const RequestId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<FastifyRequest>().id,
);
