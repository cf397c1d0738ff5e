import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, DiscoveryService } from '@nestjs/core';
import {
  ApiExceptionFilter,
  ConfigModule,
  consumingCheck,
  DatabaseModule,
  HealthModule,
  LoggingModule,
  MetricsModule,
  QueueModule,
} from '@ultra/platform';
import { QueueName } from '@ultra/contracts';
import { AnalysesModule } from './analyses/analyses.module';
import { RESULTS_SERVICE, type ResultsConfig } from './config/results.config';
import { resultsDatabase } from './database/results-database.options';
import { ResultsQueueModule } from './results-queue/results-queue.module';
import { ThreadsModule } from './threads/threads.module';
import { UsageModule } from './usage/usage.module';
import { WatchdogModule } from './watchdog/watchdog.module';

/**
 * The results service, given its configuration: the entry point (main.ts, the test app) validates the environment
 * once with loadConfig and passes the result, so nothing reads or checks it a second time.
 */
@Module({})
export class AppModule {
  static forRoot(config: ResultsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forValue(config),
        LoggingModule.forRoot(RESULTS_SERVICE),
        QueueModule.forRoot(),
        // GET /metrics is served on RESULTS_PORT (startHttpService).
        MetricsModule.forRoot({ service: RESULTS_SERVICE, queues: [QueueName.Results, QueueName.Webhooks] }),
        DatabaseModule.forRoot(resultsDatabase),
        // 503 when Redis or Postgres does not answer, so a supervisor can act on the status alone; `/live` and
        // `/ready` (which adds whether its queue workers consume) have the shape of the other services' probes.
        HealthModule.forRoot({
          path: 'internal/health',
          readiness: {
            inject: [DiscoveryService],
            useFactory: (discovery: DiscoveryService) => ({ consuming: consumingCheck(discovery) }),
          },
        }),
        AnalysesModule,
        ResultsQueueModule,
        WatchdogModule,
        ThreadsModule,
        UsageModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
