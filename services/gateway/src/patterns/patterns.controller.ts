import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import type { PatternInfo } from '@ultra/contracts';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { type PatternDocument, PatternsService, type PatternValidation } from './patterns.service';
import { RequireScopes } from '../api-keys/require-scopes.decorator';

/**
 * Bodies are pattern documents, as JSON or as YAML (`content-type: application/yaml`, see http-setup); they are
 * checked by PatternsService, which names each bad field.
 */
@Controller('patterns')
export class PatternsController {
  constructor(private readonly patterns: PatternsService) {}

  @Get()
  @RequireScopes('read')
  async list(@CurrentUser() user: AuthUser): Promise<{ patterns: PatternInfo[] }> {
    return { patterns: await this.patterns.list(user.id) };
  }

  @Post()
  @RequireScopes('analyze')
  create(@Body() body: unknown, @CurrentUser() user: AuthUser): Promise<PatternDocument> {
    return this.patterns.create(body, user.id);
  }

  /** Runs create's checks and stores nothing: 200 when the document would be accepted, create's 400 otherwise. */
  @Post('validate')
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.OK)
  validate(@Body() body: unknown): PatternValidation {
    return this.patterns.validate(body);
  }

  @Get(':id')
  @RequireScopes('read')
  get(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<PatternDocument> {
    return this.patterns.get(id, user.id);
  }

  @Put(':id')
  @RequireScopes('analyze')
  replace(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: AuthUser): Promise<PatternDocument> {
    return this.patterns.replace(id, body, user.id);
  }

  @Delete(':id')
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<void> {
    return this.patterns.remove(id, user.id);
  }
}
