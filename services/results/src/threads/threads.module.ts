import { Module } from '@nestjs/common';
import { ThreadsController } from './threads.controller';
import { ThreadsRepository } from './threads.repository';

/** Follow-up threads: the internal read of a thread's analyses. */
@Module({
  controllers: [ThreadsController],
  providers: [ThreadsRepository],
})
export class ThreadsModule {}
