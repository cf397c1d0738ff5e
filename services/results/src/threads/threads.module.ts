import { Module } from '@nestjs/common';
import { AnalysesModule } from '../analyses/analyses.module';
import { ThreadsController } from './threads.controller';
import { ThreadsRepository } from './threads.repository';

/** Follow-up threads: the internal read of a thread's analyses. */
@Module({
  imports: [AnalysesModule],
  controllers: [ThreadsController],
  providers: [ThreadsRepository],
})
export class ThreadsModule {}
