import { Controller, Get } from '@nestjs/common';
import { type PatternInfo, patterns } from '@ultra/contracts';

@Controller('patterns')
export class PatternsController {
  @Get()
  list(): { patterns: PatternInfo[] } {
    return { patterns: Object.values(patterns) };
  }
}
