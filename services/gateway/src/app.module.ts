import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, DatabaseModule, LoggingModule, QueueModule } from '@ultra/platform';
import { AnalysesModule } from './analyses/analyses.module';
import { AuthModule } from './auth/auth.module';
import { CatalogModule } from './catalog/catalog.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { gatewayConfig, REDIS_COMMAND_TIMEOUT_MS, SERVICE_NAME } from './config/gateway.config';
import { EstimateModule } from './estimate/estimate.module';
import { HealthModule } from './health/health.module';
import { gatewayDatabase } from './migrations/gateway-database';
import { PatternsModule } from './patterns/patterns.module';

/** Loading this module reads the environment (ConfigModule.forRoot), so set it before importing. */
@Module({
  imports: [
    ConfigModule.forRoot(SERVICE_NAME, gatewayConfig),
    LoggingModule.forRoot(SERVICE_NAME),
    QueueModule.forRoot({ failFastMs: REDIS_COMMAND_TIMEOUT_MS }),
    DatabaseModule.forRoot(gatewayDatabase),
    AuthModule,
    CatalogModule,
    PatternsModule,
    AnalysesModule,
    EstimateModule,
    HealthModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
})
export class AppModule {}
