import { Module } from '@nestjs/common';
import { AnalysesController } from './analyses.controller';
import { AnalysesRepository } from './analyses.repository';
import { AnalysesService } from './analyses.service';

/** The analyses store and its internal HTTP API; the repository is shared with the results queue. */
@Module({
  controllers: [AnalysesController],
  providers: [AnalysesRepository, AnalysesService],
  exports: [AnalysesRepository],
})
export class AnalysesModule {}
