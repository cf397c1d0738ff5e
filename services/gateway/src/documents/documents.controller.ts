import { Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post, Query, Req } from '@nestjs/common';
import type { DocumentList, DocumentView, DocumentWithText } from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/token-claims';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import type { GatewayConfig } from '../config/gateway.config';
import { readUploadedFile } from './document-uploads';
import { DocumentsService } from './documents.service';
import { RequireScopes } from '../api-keys/require-scopes.decorator';

const getQuery = z.object({
  include: z.enum(['text'], { error: 'include must be "text"' }).optional(),
});

/** Uploaded documents, each the caller's own: another user's is 404 like a missing one. */
@Controller('documents')
export class DocumentsController {
  private readonly maxBytes: number;

  constructor(
    private readonly documents: DocumentsService,
    @Inject(APP_CONFIG) config: GatewayConfig,
  ) {
    this.maxBytes = config.DOCUMENT_MAX_BYTES;
  }

  /** multipart/form-data with one file: text, Markdown or PDF, judged by content. */
  @Post()
  @RequireScopes('analyze')
  async upload(@Req() request: FastifyRequest, @CurrentUser() user: AuthUser): Promise<DocumentView> {
    return this.documents.upload(user.id, await readUploadedFile(request, this.maxBytes));
  }

  /** Newest first. */
  @Get()
  @RequireScopes('read')
  async list(@CurrentUser() user: AuthUser): Promise<DocumentList> {
    return { documents: await this.documents.list(user.id) };
  }

  /** Metadata; with `?include=text` the extracted text too. */
  @Get(':id')
  @RequireScopes('read')
  get(
    @Param('id') id: string,
    @Query(new ZodValidationPipe(getQuery, 'query')) query: z.infer<typeof getQuery>,
    @CurrentUser() user: AuthUser,
  ): Promise<DocumentView | DocumentWithText> {
    return this.documents.get(user.id, id, query.include === 'text');
  }

  @Delete(':id')
  @RequireScopes('analyze')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<void> {
    return this.documents.remove(user.id, id);
  }
}
