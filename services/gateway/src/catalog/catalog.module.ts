import { Module } from '@nestjs/common';
import { ProviderKeysModule } from '../provider-keys/provider-keys.module';
import { BreakerStatus } from './breaker-status.service';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { ModelPreflight } from './model-preflight.service';
import { ProviderAvailability } from './provider-availability';

@Module({
  imports: [ProviderKeysModule],
  controllers: [CatalogController],
  providers: [CatalogService, ProviderAvailability, BreakerStatus, ModelPreflight],
  exports: [CatalogService, ModelPreflight],
})
export class CatalogModule {}
