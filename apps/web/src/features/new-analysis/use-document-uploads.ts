import type { DocumentView } from '@ultra/contracts';
import { useCallback, useState } from 'react';
import { api, ApiError } from '../../api/api-client';

/** Documents one analysis may attach (contracts' MAX_DOCUMENTS_PER_ANALYSIS). */
export const MAX_DOCUMENTS = 10;

export interface UploadFailure {
  name: string;
  message: string;
}

function uploadDocument(file: File): Promise<DocumentView> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api.request<DocumentView>('POST', '/api/documents', form);
}

/**
 * Uploads files one request each (the API takes one file per request), attaching each as it is stored. A refused
 * file is reported with the API's message and does not stop the others.
 */
export function useDocumentUploads(
  attached: number,
  attach: (update: (documents: DocumentView[]) => DocumentView[]) => void,
) {
  const [uploading, setUploading] = useState<string[]>([]);
  const [failures, setFailures] = useState<UploadFailure[]>([]);

  const upload = useCallback(
    async (files: readonly File[]) => {
      const room = Math.max(0, MAX_DOCUMENTS - attached);
      const accepted = files.slice(0, room);
      const refused = files.slice(room).map((file) => ({
        name: file.name,
        message: `at most ${MAX_DOCUMENTS} documents can be attached to one analysis`,
      }));
      setFailures(refused);
      setUploading((names) => [...names, ...accepted.map((f) => f.name)]);
      await Promise.all(
        accepted.map(async (file) => {
          try {
            const document = await uploadDocument(file);
            attach((documents) => [...documents, document]);
          } catch (error) {
            const message = error instanceof ApiError || error instanceof Error ? error.message : 'upload failed';
            setFailures((list) => [...list, { name: file.name, message }]);
          } finally {
            setUploading((names) => {
              const at = names.indexOf(file.name);
              return at < 0 ? names : [...names.slice(0, at), ...names.slice(at + 1)];
            });
          }
        }),
      );
    },
    [attached, attach],
  );

  return { upload, uploading, failures };
}
