import type { AnalysisStatus, ModelInfo, PatternInfo } from '@ultra/contracts';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../../api/api-client';
import { Button, TextField } from '../../components/ui';
import { emptyFilters, type HistoryFilters } from './history-query';

// The contracts package is imported for its types only (it is not bundled); these are its AnalysisStatus values.
const statuses: AnalysisStatus[] = ['queued', 'running', 'completed', 'failed'];

/** Pattern and model ids to suggest; the fields take any id, since old analyses may name retired ones. */
function useSuggestions(): { patterns: PatternInfo[]; models: ModelInfo[] } {
  const [patterns, setPatterns] = useState<PatternInfo[]>([]);
  const [models, setModels] = useState<ModelInfo[]>([]);
  useEffect(() => {
    api.get<{ patterns: PatternInfo[] }>('/api/patterns').then(
      (r) => setPatterns(r.patterns),
      () => undefined,
    );
    api.get<{ models: ModelInfo[] }>('/api/available-models').then(
      (r) => setModels(r.models),
      () => undefined,
    );
  }, []);
  return { patterns, models };
}

/**
 * The filter bar. Typed fields apply on "Search" (or Enter); a status or date applies at once, since picking one
 * is already a decision.
 */
export function HistoryFiltersForm({
  applied,
  onApply,
}: {
  applied: HistoryFilters;
  onApply: (filters: HistoryFilters) => void;
}) {
  const [draft, setDraft] = useState(applied);
  const [shown, setShown] = useState(applied);
  const { patterns, models } = useSuggestions();
  const id = useId();
  // Filters applied elsewhere (Clear, the URL) replace what is typed; React's pattern for state following a prop.
  if (shown !== applied) {
    setShown(applied);
    setDraft(applied);
  }

  const set = (field: keyof HistoryFilters, value: string, applyNow = false) => {
    const next = { ...draft, [field]: value };
    setDraft(next);
    if (applyNow) onApply(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };

  return (
    <form className="history-filters" role="search" aria-label="Filter analyses" onSubmit={submit}>
      <div className="history-search">
        <TextField
          label="Search"
          type="search"
          value={draft.q}
          maxLength={500}
          hint='Words in the prompt or the answer; "a phrase", or, -word'
          onChange={(e) => set('q', e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={draft.status} onChange={(e) => set('status', e.target.value, true)}>
          <option value="">Any</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <TextField
        label="Pattern"
        list={`${id}-patterns`}
        value={draft.pattern}
        onChange={(e) => set('pattern', e.target.value)}
      />
      <datalist id={`${id}-patterns`}>
        {patterns.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </datalist>
      <TextField
        label="Model"
        list={`${id}-models`}
        value={draft.model}
        onChange={(e) => set('model', e.target.value)}
      />
      <datalist id={`${id}-models`}>
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.displayName}
          </option>
        ))}
      </datalist>
      <TextField label="From" type="date" value={draft.from} onChange={(e) => set('from', e.target.value, true)} />
      <TextField label="To" type="date" value={draft.to} onChange={(e) => set('to', e.target.value, true)} />
      <div className="history-filter-actions">
        <Button type="submit">Search</Button>
        <Button variant="secondary" onClick={() => onApply(emptyFilters)}>
          Clear filters
        </Button>
      </div>
    </form>
  );
}
