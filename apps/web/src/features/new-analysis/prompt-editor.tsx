import type { DocumentView } from '@ultra/contracts';
import { type DragEvent, useId, useState } from 'react';
import { Button } from '../../components/ui';
import { formatCount } from './format';
import { useDocumentUploads } from './use-document-uploads';

interface PromptEditorProps {
  prompt: string;
  onPromptChange: (prompt: string) => void;
  documents: DocumentView[];
  onDocumentsChange: (update: (documents: DocumentView[]) => DocumentView[]) => void;
  promptError?: string;
  documentsError?: string;
}

const ACCEPT = '.txt,.md,.markdown,.pdf,text/plain,text/markdown,application/pdf';

/** The question, and documents attached by the file input or by dropping files onto the prompt. */
export function PromptEditor(props: PromptEditorProps) {
  const { prompt, onPromptChange, documents, onDocumentsChange, promptError, documentsError } = props;
  const id = useId();
  const [dragging, setDragging] = useState(false);
  const { upload, uploading, failures } = useDocumentUploads(documents.length, onDocumentsChange);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const files = Array.from(event.dataTransfer.files);
    if (files.length) void upload(files);
  };
  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    // Without preventDefault the browser opens the dropped file instead of handing it to onDrop.
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    setDragging(true);
  };
  const remove = (doc: DocumentView) => onDocumentsChange((list) => list.filter((d) => d.id !== doc.id));

  return (
    <div className="prompt-editor">
      <div className="field">
        <label htmlFor={`${id}-prompt`}>Prompt</label>
        <div
          className={`drop-zone${dragging ? ' drop-active' : ''}`}
          onDragOver={onDragOver}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <textarea
            id={`${id}-prompt`}
            value={prompt}
            onChange={(e) => onPromptChange(e.target.value)}
            aria-invalid={promptError ? true : undefined}
            aria-describedby={[`${id}-prompt-hint`, promptError ? `${id}-prompt-error` : ''].join(' ').trim()}
            rows={8}
          />
        </div>
        <p id={`${id}-prompt-hint`} className="hint">
          Ask your question. Drop text, Markdown or PDF files here to attach them.
        </p>
        {promptError && (
          <p id={`${id}-prompt-error`} className="field-error">
            {promptError}
          </p>
        )}
      </div>

      <div className="field">
        <label htmlFor={`${id}-files`}>Attach documents</label>
        <input
          id={`${id}-files`}
          type="file"
          multiple
          accept={ACCEPT}
          aria-describedby={documentsError ? `${id}-files-error` : undefined}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length) void upload(files);
          }}
        />
        {documentsError && (
          <p id={`${id}-files-error`} className="field-error">
            {documentsError}
          </p>
        )}
      </div>

      <p role="status" aria-live="polite" className="hint">
        {uploading.length > 0 ? `Uploading ${uploading.join(', ')}…` : ''}
      </p>
      {failures.length > 0 && (
        <div role="alert" className="error-banner">
          {failures.map((f, i) => (
            <p key={`${f.name}-${i}`}>
              {f.name}: {f.message}
            </p>
          ))}
        </div>
      )}
      {documents.length > 0 && (
        <ul className="attached-documents" aria-label="Attached documents">
          {documents.map((doc) => (
            <li key={doc.id}>
              <span className="document-name">{doc.name}</span>
              <span className="hint">
                {doc.type}
                {doc.pages !== undefined ? `, ${doc.pages} pages` : ''}, {formatCount(doc.tokens)} tokens
              </span>
              <Button variant="secondary" onClick={() => remove(doc)} aria-label={`Remove ${doc.name}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
