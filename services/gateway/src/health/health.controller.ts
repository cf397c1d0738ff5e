import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { APP_CONFIG, type HealthReport, HealthService } from '@ultra/platform';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';
import type { GatewayConfig } from '../config/gateway.config';

/** Under the health check's own one-second bound. */
const RESULTS_PROBE_MS = 900;

@Public()
@Controller('health')
export class HealthController {
  private readonly resultsHealthUrl: string;

  constructor(
    private readonly health: HealthService,
    @Inject(APP_CONFIG) config: GatewayConfig,
  ) {
    this.resultsHealthUrl = `${config.RESULTS_URL}/internal/health`;
  }

  /** 503 when a dependency is down, so a load balancer takes the instance out without parsing the body. */
  @Get()
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    return this.answer(reply, await this.health.report());
  }

  /** Liveness: the process answers HTTP. No dependency is consulted, so an outage never gets it restarted. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: Redis, the gateway's database, and the results service answering HTTP (whatever its own health:
   * results reports its Postgres itself, and every gateway would otherwise leave the pool together).
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.health.report({
      results: async () => {
        const response = await fetch(this.resultsHealthUrl, { signal: AbortSignal.timeout(RESULTS_PROBE_MS) });
        await response.body?.cancel();
      },
    });
    return this.answer(reply, report);
  }

  private answer(reply: FastifyReply, report: HealthReport): HealthReport {
    void reply.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
