import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiErrorCode } from '@ultra/contracts';
import type { FastifyRequest } from 'fastify';
import { ApiException, ValidationFailedException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';

/** One uploaded file as it arrived: the name the client gave it and its bytes. */
export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

/** multipart/form-data for `POST /api/documents`, at most one file of DOCUMENT_MAX_BYTES. */
export async function registerDocumentUploads(
  app: NestFastifyApplication,
  config: Pick<GatewayConfig, 'DOCUMENT_MAX_BYTES'>,
): Promise<void> {
  await app.register(multipart, { limits: { fileSize: config.DOCUMENT_MAX_BYTES, files: 1, fields: 20 } });
}

function oneFile(message: string): ValidationFailedException {
  return new ValidationFailedException(message, [{ path: 'file', message }]);
}

/** The multipart plugin's limit and format errors, as the API's codes. */
function uploadError(error: unknown, maxBytes: number): unknown {
  switch ((error as { code?: unknown } | null)?.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ApiException(ApiErrorCode.PayloadTooLarge, `the file is larger than ${maxBytes} bytes`, {
        maxBytes,
      });
    case 'FST_FILES_LIMIT':
      return oneFile('send exactly one file per request');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return oneFile('too many form fields; send one file');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return notMultipart();
    default:
      // busboy's own errors (a body cut short, a malformed boundary) are the request's fault.
      return error instanceof Error && !(error instanceof ApiException)
        ? oneFile(`bad multipart body: ${error.message}`)
        : error;
  }
}

function notMultipart(): ApiException {
  return new ApiException(
    ApiErrorCode.UnsupportedMediaType,
    'send the document as multipart/form-data with one file field (curl -F file=@notes.pdf)',
  );
}

/** Reads the request's single file part; other fields are ignored. */
export async function readUploadedFile(request: FastifyRequest, maxBytes: number): Promise<UploadedFile> {
  if (!request.isMultipart()) throw notMultipart();
  let file: UploadedFile | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      file = { name: part.filename, bytes: await part.toBuffer() };
    }
  } catch (error) {
    throw uploadError(error, maxBytes);
  }
  if (!file) throw oneFile('the form holds no file; send one file field (curl -F file=@notes.pdf)');
  return file;
}
