import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { type HealthReport, HealthService } from '@ultra/platform';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 503 when a dependency is down, so a load balancer takes the instance out without parsing the body. */
  @Get()
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.health.report();
    reply.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
