import { Module } from '@nestjs/common';
import { AnalysesController } from './analyses.controller';
import { AnalysesRepository } from './analyses.repository';
import { AnalysesService } from './analyses.service';
import { StageRunsRepository } from './stage-runs.repository';

/** The analyses store and its internal HTTP API; the repositories are shared with the results queue and the watchdog. */
@Module({
  controllers: [AnalysesController],
  providers: [AnalysesRepository, StageRunsRepository, AnalysesService],
  // The service too: a webhook delivers the same view a read answers.
  exports: [AnalysesRepository, StageRunsRepository, AnalysesService],
})
export class AnalysesModule {}
