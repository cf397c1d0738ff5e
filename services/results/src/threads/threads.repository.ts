import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AnalysisEntity } from '../analyses/analysis.entity';

/** A thread is the analyses that share a thread_id; the (user_id, thread_id, created_at) index serves the read. */
@Injectable()
export class ThreadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The user's analyses of the thread, oldest first (id breaks a tie within the same millisecond). */
  analysesOf(threadId: string, userId: string): Promise<AnalysisEntity[]> {
    return this.dataSource
      .getRepository(AnalysisEntity)
      .createQueryBuilder('a')
      .where('a.userId = :userId AND a.threadId = :threadId', { userId, threadId })
      .orderBy('a.createdAt', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
  }
}
