import { ApiErrorCode } from '@ultra/contracts';
import { ApiException } from '../common/api-exception';

/** Another user's document is reported exactly like a missing one. */
export class DocumentNotFoundException extends ApiException {
  constructor(id: string) {
    super(ApiErrorCode.DocumentNotFound, `document ${JSON.stringify(id)} not found`);
  }
}

/** An upload that is neither UTF-8 text nor a PDF that can be read. */
export class UnsupportedDocumentException extends ApiException {
  constructor(name: string, reason: string) {
    super(
      ApiErrorCode.UnsupportedMediaType,
      `document ${JSON.stringify(name)} is not supported: ${reason}; upload plain text, Markdown or a PDF`,
    );
  }
}

/** An upload with nothing to read: empty, blank, or a PDF whose pages hold no text (a scan). */
export class DocumentWithoutTextException extends ApiException {
  constructor(name: string, reason: string) {
    super(ApiErrorCode.DocumentWithoutText, `document ${JSON.stringify(name)} holds no text: ${reason}`);
  }
}
