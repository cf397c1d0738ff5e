import { Controller, Get } from '@nestjs/common';
import type { ModelInfo } from '@ultra/contracts';
import { CatalogService } from './catalog.service';

@Controller('available-models')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  list(): { models: ModelInfo[] } {
    return { models: this.catalog.list() };
  }
}
