import {
  Controller,
  type DynamicModule,
  Get,
  HttpStatus,
  Inject,
  type InjectionToken,
  Module,
  Optional,
  Res,
  type Type,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { fleetReport } from './fleet-health';
import { FleetHealth } from './fleet-health.service';
import { SERVICE_READINESS, type ServiceReadiness } from './health-heartbeat.service';
import { type HealthCheck, type HealthReport, HealthService } from './health.service';

/** Injection token of the extra checks of `/ready` (e.g. another service this one calls). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

export interface HealthRoutesOptions {
  /** The controller's path, e.g. `health` (under the global prefix) or `internal/health`. */
  path: string;
  /**
   * Adds `<path>/live` (liveness: consults nothing) and `<path>/ready` (readiness: the dependencies plus these
   * checks). Without it the service has the one `<path>` route.
   */
  readiness?: { inject?: InjectionToken[]; useFactory: (...deps: never[]) => Record<string, HealthCheck> };
  /**
   * Makes `<path>` the installation's health (the gateway): this service's dependencies plus, from the heartbeats
   * in Redis, every service's instances; 503 unless each of `required` has a ready instance.
   */
  fleet?: { required: readonly string[] };
  /** Class decorators for the controller, e.g. the gateway's `@Public()` so its guard lets probes through. */
  decorators?: ClassDecorator[];
}

/** 503 when a dependency is down, so a load balancer takes the instance out without parsing the body. */
function answer<R extends HealthReport>(reply: FastifyReply, report: R): R {
  void reply.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
  return report;
}

function healthController(options: HealthRoutesOptions): Type {
  @Controller(options.path)
  class HealthController {
    constructor(
      readonly health: HealthService,
      @Optional() readonly fleet?: FleetHealth,
    ) {}

    /** Redis and the database where the service has one; with `fleet`, every service's instances too. */
    @Get()
    async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
      const required = options.fleet?.required;
      if (!required || !this.fleet) return answer(reply, await this.health.report());
      const [own, services] = await Promise.all([this.health.report(), this.fleet.services(required)]);
      return answer(reply, fleetReport(own, services, required));
    }
  }
  if (!options.readiness) return HealthController;

  @Controller(options.path)
  class ProbedHealthController extends HealthController {
    constructor(
      health: HealthService,
      @Inject(SERVICE_READINESS) private readonly readiness: ServiceReadiness,
      @Optional() fleet?: FleetHealth,
    ) {
      super(health, fleet);
    }

    /** Liveness: the process answers HTTP. No dependency is consulted, so an outage never gets it restarted. */
    @Get('live')
    live(): { status: 'ok' } {
      return { status: 'ok' };
    }

    /** Readiness: the dependencies of `check` and the extra checks. */
    @Get('ready')
    async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
      return answer(reply, await this.readiness());
    }
  }
  return ProbedHealthController;
}

/**
 * The health routes of a service, one controller for every service; shaped by `HealthRoutesOptions`. Global so
 * that the service's heartbeat (HealthHeartbeat, in MetricsModule) reports the readiness these routes answer.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthRoutesOptions): DynamicModule {
    const controller = healthController(options);
    for (const decorate of options.decorators ?? []) decorate(controller);
    const { readiness } = options;
    return {
      module: HealthModule,
      global: true,
      // So a readiness factory can inject DiscoveryService, e.g. for consumingCheck.
      imports: [DiscoveryModule],
      controllers: [controller],
      providers: [
        HealthService,
        readiness
          ? { provide: READINESS_CHECKS, inject: readiness.inject ?? [], useFactory: readiness.useFactory }
          : { provide: READINESS_CHECKS, useValue: {} },
        {
          provide: SERVICE_READINESS,
          inject: [HealthService, READINESS_CHECKS],
          useFactory:
            (health: HealthService, extra: Record<string, HealthCheck>): ServiceReadiness =>
            () =>
              health.report(extra),
        },
        ...(options.fleet ? [FleetHealth] : []),
      ],
      exports: [SERVICE_READINESS],
    };
  }
}
