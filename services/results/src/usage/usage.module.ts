import { Module } from '@nestjs/common';
import { UsageController } from './usage.controller';
import { UsageRepository } from './usage.repository';

/** A user's daily spend as stored, for the gateway's daily budget. */
@Module({
  controllers: [UsageController],
  providers: [UsageRepository],
})
export class UsageModule {}
