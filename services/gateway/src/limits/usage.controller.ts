import { Controller, Get } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { DailyUsageService, type UsageReport } from './daily-usage.service';
import { UserTierService } from './user-tier.service';

@Controller('users/me')
export class UsageController {
  constructor(
    private readonly usage: DailyUsageService,
    private readonly tiers: UserTierService,
  ) {}

  /** Today's (UTC) requests, analyses, tokens and cost of the caller, with the limits of their tier. */
  @Get('usage')
  async usageOf(@CurrentUser() user: AuthUser): Promise<UsageReport> {
    return this.usage.report(user.id, await this.tiers.tierOf(user.id));
  }
}
