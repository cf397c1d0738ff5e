import type { FollowUpAccepted } from '@ultra/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../../api/api-client';
import { Button, ErrorMessage } from '../../../components/ui';

/** A further question in this analysis' thread; the new analysis opens once it is accepted. */
export function FollowUpForm({ analysisId, onAsked }: { analysisId: string; onAsked: () => void }) {
  const navigate = useNavigate();
  const headingId = useId();
  const fieldId = useId();
  const [prompt, setPrompt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!prompt.trim()) {
      setError('Write a question first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const accepted = await api.post<FollowUpAccepted>(`/api/analyses/${encodeURIComponent(analysisId)}/follow-ups`, {
        prompt,
      });
      setPrompt('');
      void navigate(`/analyses/${accepted.id}`);
      onAsked();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="result-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Ask a follow-up</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor={fieldId}>Follow-up question</label>
          <textarea id={fieldId} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        </div>
        <ErrorMessage error={error} />
        <Button type="submit" disabled={busy} aria-busy={busy}>
          Ask a follow-up
        </Button>
      </form>
    </section>
  );
}
