import { useState } from 'react';
import { api } from '../../../api/api-client';
import { Button, ErrorMessage } from '../../../components/ui';

const FORMATS = [
  { format: 'json', label: 'Export JSON', extension: 'json' },
  { format: 'markdown', label: 'Export Markdown', extension: 'md' },
  { format: 'csv', label: 'Export CSV', extension: 'csv' },
] as const;

/** The gateway names the file (`attachment; filename="…"`); the fallback only covers a missing header. */
function filenameOf(response: Response, id: string, extension: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return match?.[1] ?? `ultra-${id.slice(0, 8)}.${extension}`;
}

/** Downloads through the API client (it carries the token), then hands the browser a Blob link to save. */
export function ExportActions({ analysisId }: { analysisId: string }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function download(format: string, extension: string) {
    setBusy(format);
    setError(null);
    setStatus('');
    try {
      const response = await api.fetchRaw(`/api/analyses/${encodeURIComponent(analysisId)}/export?format=${format}`);
      const filename = filenameOf(response, analysisId, extension);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
      setStatus(`Downloaded ${filename}.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="export-actions">
      <div role="group" aria-label="Export" className="button-row">
        {FORMATS.map(({ format, label, extension }) => (
          <Button
            key={format}
            variant="secondary"
            disabled={busy !== null}
            aria-busy={busy === format}
            onClick={() => void download(format, extension)}
          >
            {label}
          </Button>
        ))}
      </div>
      <p role="status" aria-live="polite" className="hint">
        {status}
      </p>
      <ErrorMessage error={error} />
    </div>
  );
}
