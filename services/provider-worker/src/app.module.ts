import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { APP_CONFIG, ConfigModule, LoggingModule, type ProviderSettings, QueueModule } from '@ultra/platform';
import { type WorkerConfig, workerConfig, workerProviders } from './config/worker.config';
import { CancellationService } from './model-tasks/cancellation.service';
import { ModelCallService } from './model-tasks/model-call.service';
import { ModelTaskProcessor } from './model-tasks/model-task.processor';
import { LLM_PROVIDERS } from './providers/llm-provider';
import { MockProvider } from './providers/mock/mock.provider';
import { createProvider } from './providers/provider-factory';
import { PROVIDER_SETTINGS, ProviderRegistry } from './providers/provider-registry';
import { DeltaPublisher } from './streaming/delta-publisher.service';
import { PricingService } from './usage/pricing.service';

@Module({
  imports: [
    ConfigModule.forValue(workerConfig),
    LoggingModule.forRoot('provider-worker'),
    QueueModule.forRoot(),
    BullModule.registerQueue({ name: QueueName.ModelTasks }),
  ],
  providers: [
    { provide: PROVIDER_SETTINGS, useValue: workerProviders },
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
    PricingService,
    DeltaPublisher,
    CancellationService,
    ModelCallService,
    ModelTaskProcessor,
  ],
})
export class AppModule {}
