import type { AnalysisView, AnalyzeAccepted, RerunRequest } from '@ultra/contracts';
import { type FormEvent, useId, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../../../api/api-client';
import { Button, ErrorMessage } from '../../../components/ui';

/** The pattern's stages once each, in order: a rerun starts from a stage id, whatever its rounds. */
function stagesOf(analysis: AnalysisView): { id: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const stage of analysis.stages) if (!seen.has(stage.id)) seen.set(stage.id, stage.label);
  return [...seen].map(([id, label]) => ({ id, label }));
}

/**
 * Runs the analysis again from a stage, reusing every stored output before it (no call repeated), optionally
 * with another of its models as the ultra model; the new analysis opens once accepted.
 */
export function RerunForm({ analysis, onRerun }: { analysis: AnalysisView; onRerun: () => void }) {
  const navigate = useNavigate();
  const stages = stagesOf(analysis);
  const ids = { heading: useId(), stage: useId(), ultra: useId() };
  const [fromStage, setFromStage] = useState(stages.at(-1)?.id ?? '');
  const [ultraModel, setUltraModel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: RerunRequest = { fromStage, ...(ultraModel && { ultraModel }) };
      const accepted = await api.post<AnalyzeAccepted>(`/api/analyses/${encodeURIComponent(analysis.id)}/rerun`, body);
      void navigate(`/analyses/${accepted.id}`);
      onRerun();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (stages.length === 0) return null;
  return (
    <section className="result-section" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>Rerun from a stage</h2>
      <p className="hint">The stages before the one chosen are reused as they are: no model is called for them.</p>
      <form onSubmit={(e) => void submit(e)} className="rerun-form">
        <div className="field">
          <label htmlFor={ids.stage}>Rerun from stage</label>
          <select id={ids.stage} value={fromStage} onChange={(e) => setFromStage(e.target.value)}>
            {stages.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.ultra}>Ultra model</label>
          <select id={ids.ultra} value={ultraModel} onChange={(e) => setUltraModel(e.target.value)}>
            <option value="">Same as before ({analysis.ultraModel})</option>
            {analysis.models
              .filter((m) => m !== analysis.ultraModel)
              .map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
          </select>
        </div>
        <ErrorMessage error={error} />
        <Button type="submit" disabled={busy} aria-busy={busy}>
          Rerun
        </Button>
      </form>
    </section>
  );
}
