import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { type HealthReport, HealthService } from '@ultra/platform';
import type { FastifyReply } from 'fastify';

@Controller('internal/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 503 when Redis or Postgres does not answer, so a load balancer or supervisor can act on the status alone. */
  @Get()
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.health.report();
    if (report.status === 'error') void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
