import { Module } from '@nestjs/common';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';
import { ProviderAvailability } from './provider-availability';

@Module({
  controllers: [CatalogController],
  providers: [CatalogService, ProviderAvailability],
  exports: [CatalogService],
})
export class CatalogModule {}
