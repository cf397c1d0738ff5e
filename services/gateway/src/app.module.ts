import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import {
  ApiExceptionFilter,
  ConfigModule,
  DatabaseModule,
  LoggingModule,
  MetricsModule,
  QueueModule,
} from '@ultra/platform';
import { AdminModule } from './admin/admin.module';
import { AnalysesModule } from './analyses/analyses.module';
import { AuditModule } from './audit/audit.module';
import { EventsModule } from './events/events.module';
import { AuthModule } from './auth/auth.module';
import { CatalogModule } from './catalog/catalog.module';
import { CompatModule } from './compat/compat.module';
import { DocumentsModule } from './documents/documents.module';
import { type GatewayConfig, SERVICE_NAME } from './config/gateway.config';
import { EstimateModule } from './estimate/estimate.module';
import { ExportsModule } from './exports/exports.module';
import { FollowUpsModule } from './follow-ups/follow-ups.module';
import { GatewayHealthModule } from './health/gateway-health.module';
import { LimitsModule } from './limits/limits.module';
import { gatewayDatabase } from './migrations/gateway-database';
import { PatternsModule } from './patterns/patterns.module';
import { ProviderKeysModule } from './provider-keys/provider-keys.module';
import { ThreadsModule } from './threads/threads.module';
import { UserDefaultsModule } from './user-defaults/user-defaults.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * The gateway, given its configuration: the entry point (main.ts, the test app) validates the environment once with
 * loadConfig and passes the result, so nothing reads or checks it a second time.
 */
@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forValue(config),
        LoggingModule.forRoot(SERVICE_NAME),
        QueueModule.forRoot({ failFastMs: config.REDIS_COMMAND_TIMEOUT_MS }),
        // GET /metrics is served on PORT, outside the /api prefix (startHttpService); it consumes no queue.
        MetricsModule.forRoot({ service: SERVICE_NAME }),
        DatabaseModule.forRoot(gatewayDatabase),
        AuditModule,
        AuthModule,
        AdminModule,
        LimitsModule,
        CatalogModule,
        PatternsModule,
        AnalysesModule,
        EventsModule,
        DocumentsModule,
        EstimateModule,
        ExportsModule,
        GatewayHealthModule,
        FollowUpsModule,
        ThreadsModule,
        WebhooksModule,
        ProviderKeysModule,
        UserDefaultsModule,
        CompatModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
