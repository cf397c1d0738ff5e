import { Module } from '@nestjs/common';
import { DocumentSelectionService } from './document-selection.service';
import { DocumentsController } from './documents.controller';
import { DocumentsRepository } from './documents.repository';
import { DocumentsService } from './documents.service';

/** Uploads (`/api/documents`) and the selection of their text for an analysis (`documentIds` on analyze). */
@Module({
  controllers: [DocumentsController],
  providers: [DocumentsRepository, DocumentsService, DocumentSelectionService],
  exports: [DocumentSelectionService],
})
export class DocumentsModule {}
