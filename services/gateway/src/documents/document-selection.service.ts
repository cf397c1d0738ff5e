import { Inject, Injectable } from '@nestjs/common';
import { type AnalysisDocument, ApiErrorCode } from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import { z } from 'zod';
import { ApiException, type Problem } from '../common/api-exception';
import { summaryOf } from '../common/zod-validation.pipe';
import type { GatewayConfig } from '../config/gateway.config';
import { selectDocumentText } from './chunk-selection';
import { DocumentsRepository } from './documents.repository';

const documentIdSchema = z.uuid();

/**
 * `documentIds` of an analysis: the caller's documents, in the order given, with what of each fits
 * DOCUMENT_TOKEN_BUDGET (see selectDocumentText). Unknown ids, and other users' documents, are 400 naming each.
 */
@Injectable()
export class DocumentSelectionService {
  private readonly budget: number;

  constructor(
    private readonly documents: DocumentsRepository,
    @Inject(APP_CONFIG) config: GatewayConfig,
  ) {
    this.budget = config.DOCUMENT_TOKEN_BUDGET;
  }

  async select(ids: readonly string[], question: string, userId: string): Promise<AnalysisDocument[]> {
    if (!ids.length) return [];
    const wellFormed = ids.filter((id) => documentIdSchema.safeParse(id).success);
    const owned = new Map((await this.documents.findOwned(userId, wellFormed)).map((d) => [d.id, d]));
    const unknown = ids.flatMap((id, index): Problem[] =>
      owned.has(id)
        ? []
        : [
            {
              path: `documentIds.${index}`,
              message: `unknown document ${JSON.stringify(id)}: GET /api/documents lists yours`,
            },
          ],
    );
    if (unknown.length) throw new ApiException(ApiErrorCode.UnknownDocument, summaryOf(unknown), unknown);
    const chunks = await this.documents.chunksOf(ids);
    const candidates = ids.map((id) => {
      const d = owned.get(id)!;
      return { id, name: d.name, type: d.type, chunks: chunks.get(id) ?? [] };
    });
    return selectDocumentText(candidates, question, this.budget);
  }
}
