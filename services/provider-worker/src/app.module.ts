import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import {
  APP_CONFIG,
  ConfigModule,
  LoggingModule,
  MetricsModule,
  type ProviderSettings,
  QueueModule,
} from '@ultra/platform';
import { ResponseCacheService } from './cache/response-cache.service';
import {
  type WorkerConfig,
  workerConfig,
  workerFallbacks,
  workerLimits,
  workerProviders,
} from './config/worker.config';
import { BreakerStateMetrics } from './metrics/breaker-state.metrics';
import { CancellationService } from './model-tasks/cancellation.service';
import { FALLBACK_CHAINS, ModelCallService } from './model-tasks/model-call.service';
import { ModelAttemptService } from './model-tasks/model-attempt.service';
import { ProviderCallService } from './model-tasks/provider-call.service';
import { ModelTaskProcessor } from './model-tasks/model-task.processor';
import { CallRouter } from './provider-keys/call-router.service';
import { UserKeysRepository } from './provider-keys/user-keys.repository';
import { UserProviders } from './provider-keys/user-providers.service';
import { LLM_PROVIDERS } from './providers/llm-provider';
import { MockProvider } from './providers/mock/mock.provider';
import { createProvider } from './providers/provider-factory';
import { PROVIDER_SETTINGS, ProviderRegistry } from './providers/provider-registry';
import { BreakerService } from './resilience/breaker.service';
import { PROVIDER_LIMITS, ProviderLimitsService } from './resilience/provider-limits.service';
import { DeltaPublisher } from './streaming/delta-publisher.service';
import { PricingService } from './usage/pricing.service';
import { SamplingPolicyService } from './catalog/sampling-policy.service';

@Module({
  imports: [
    ConfigModule.forValue(workerConfig),
    LoggingModule.forRoot('provider-worker'),
    QueueModule.forRoot(),
    MetricsModule.forRoot({
      service: 'provider-worker',
      queues: [QueueName.ModelTasks],
      port: workerConfig.METRICS_PORT,
      host: workerConfig.METRICS_HOST,
    }),
    BullModule.registerQueue({ name: QueueName.ModelTasks }),
  ],
  providers: [
    { provide: PROVIDER_SETTINGS, useValue: workerProviders },
    { provide: PROVIDER_LIMITS, useValue: workerLimits },
    { provide: FALLBACK_CHAINS, useValue: workerFallbacks },
    {
      provide: LLM_PROVIDERS,
      inject: [APP_CONFIG, PROVIDER_SETTINGS],
      useFactory: (config: WorkerConfig, providers: ProviderSettings[]) => [
        new MockProvider({
          latencyMs: config.MOCK_LATENCY_MS,
          failureRate: config.MOCK_FAILURE_RATE,
          failModels: config.MOCK_FAIL_MODELS,
        }),
        ...providers.filter((p) => p.ready).map(createProvider),
      ],
    },
    ProviderRegistry,
    UserKeysRepository,
    UserProviders,
    CallRouter,
    PricingService,
    SamplingPolicyService,
    DeltaPublisher,
    CancellationService,
    ResponseCacheService,
    BreakerService,
    BreakerStateMetrics,
    ProviderLimitsService,
    ProviderCallService,
    ModelAttemptService,
    ModelCallService,
    ModelTaskProcessor,
  ],
})
export class AppModule {}
