import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@ultra/contracts';
import { APP_CONFIG, ConfigModule, LoggingModule, QueueModule } from '@ultra/platform';
import { type WorkerConfig, workerConfig } from './config/worker.config';
import { ModelCallService } from './model-tasks/model-call.service';
import { ModelTaskProcessor } from './model-tasks/model-task.processor';
import { LLM_PROVIDERS } from './providers/llm-provider';
import { MockProvider } from './providers/mock/mock.provider';
import { ProviderRegistry } from './providers/provider-registry';

@Module({
  imports: [
    ConfigModule.forValue(workerConfig),
    LoggingModule.forRoot('provider-worker'),
    QueueModule.forRoot(),
    BullModule.registerQueue({ name: QueueName.ModelTasks }),
  ],
  providers: [
    {
      provide: LLM_PROVIDERS,
      inject: [APP_CONFIG],
      useFactory: (config: WorkerConfig) => [
        new MockProvider({
          latencyMs: config.MOCK_LATENCY_MS,
          failureRate: config.MOCK_FAILURE_RATE,
          failModels: config.MOCK_FAIL_MODELS,
        }),
      ],
    },
    ProviderRegistry,
    ModelCallService,
    ModelTaskProcessor,
  ],
})
export class AppModule {}
