import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, DatabaseModule, HealthService, LoggingModule, QueueModule } from '@ultra/platform';
import { AnalysesModule } from './analyses/analyses.module';
import { RESULTS_SERVICE, resultsConfig } from './config/results.config';
import { resultsDatabase } from './database/results-database.options';
import { HealthController } from './health/health.controller';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { ResultsQueueModule } from './results-queue/results-queue.module';
import { WatchdogModule } from './watchdog/watchdog.module';

/**
 * Importing this module validates the environment (ConfigModule.forRoot reads it at import), so entry points
 * import it only after they are ready to report a configuration error.
 */
@Module({
  imports: [
    ConfigModule.forRoot(RESULTS_SERVICE, resultsConfig),
    LoggingModule.forRoot(RESULTS_SERVICE),
    QueueModule.forRoot(),
    DatabaseModule.forRoot(resultsDatabase),
    AnalysesModule,
    ResultsQueueModule,
    WatchdogModule,
  ],
  controllers: [HealthController],
  providers: [HealthService, { provide: APP_FILTER, useClass: ApiExceptionFilter }],
})
export class AppModule {}
