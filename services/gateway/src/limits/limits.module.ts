import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DailyUsageService } from './daily-usage.service';
import { LimitsInterceptor } from './limits.interceptor';
import { RateLimitsService } from './rate-limits.service';
import { ResultsUsageClient } from './results-usage.client';
import { UsageController } from './usage.controller';
import { UserTierService } from './user-tier.service';

/** Tiers: per-minute limits of requests and analyses and a daily cost budget per user, all counted in Redis. */
@Module({
  controllers: [UsageController],
  providers: [
    UserTierService,
    RateLimitsService,
    DailyUsageService,
    ResultsUsageClient,
    { provide: APP_INTERCEPTOR, useClass: LimitsInterceptor },
  ],
  exports: [UserTierService, DailyUsageService],
})
export class LimitsModule {}
