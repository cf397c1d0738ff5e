import { Module } from '@nestjs/common';
import { AnalysesModule } from '../analyses/analyses.module';
import { ThreadsController } from './threads.controller';

/** `GET /api/threads/:id`: a follow-up thread's analyses, read from results. */
@Module({
  imports: [AnalysesModule],
  controllers: [ThreadsController],
})
export class ThreadsModule {}
