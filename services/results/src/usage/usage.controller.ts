import { Controller, Get, Param, Query } from '@nestjs/common';
import { type DailySpend, utcDayEnd, ValidationFailedException } from '@ultra/platform';
import { z } from 'zod';
import { UsageRepository } from './usage.repository';

const params = z.object({ userId: z.uuid() });
const query = z.object({ day: z.string().regex(/^\d{8}$/) });

function dayStartOf(day: string): Date {
  const start = new Date(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime())) throw new ValidationFailedException(`day ${day} is not a date`);
  return start;
}

/** The internal read the gateway falls back to when a user's Redis usage counter of the day is missing. */
@Controller('internal/usage')
export class UsageController {
  constructor(private readonly usage: UsageRepository) {}

  /** `GET /internal/usage/:userId?day=yyyymmdd`: the tokens and cost of the outputs stored that UTC day. */
  @Get(':userId')
  spendOf(@Param() path: unknown, @Query() search: unknown): Promise<DailySpend> {
    const parsed = params.safeParse(path);
    const day = query.safeParse(search);
    if (!parsed.success || !day.success) throw new ValidationFailedException('a user id and ?day=yyyymmdd are needed');
    const start = dayStartOf(day.data.day);
    return this.usage.spendOf(parsed.data.userId, start, utcDayEnd(start));
  }
}
