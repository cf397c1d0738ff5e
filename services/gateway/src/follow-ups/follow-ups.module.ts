import { Module } from '@nestjs/common';
import { AnalysesModule } from '../analyses/analyses.module';
import { AnalysisRequestModule } from '../analyses/analysis-request.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { PatternsModule } from '../patterns/patterns.module';
import { FollowUpsController } from './follow-ups.controller';
import { FollowUpsService } from './follow-ups.service';

@Module({
  imports: [AnalysesModule, AnalysisRequestModule, PatternsModule, IdempotencyModule],
  controllers: [FollowUpsController],
  providers: [FollowUpsService],
})
export class FollowUpsModule {}
