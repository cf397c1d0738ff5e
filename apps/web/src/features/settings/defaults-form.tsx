import type { ModelInfo, PatternInfo, UserDefaults, UserDefaultsRequest, UserDefaultsView } from '@ultra/contracts';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../api/api-client';
import { Button, ErrorMessage } from '../../components/ui';
import { bannerError, useAction } from './use-api';

/** MAX_MODELS_PER_ANALYSIS of contracts, kept here so the bundle does not pull in the schemas. */
const MAX_MODELS = 8;

const STATUS_NOTE: Record<ModelInfo['status'], string> = {
  ready: '',
  needs_key: 'needs a key',
  degraded: 'degraded',
};

interface DefaultsFormProps {
  initial: UserDefaultsView;
  models: readonly ModelInfo[];
  patterns: readonly PatternInfo[];
  onSaved: (saved: UserDefaults) => void;
  onCleared: () => void;
}

export function DefaultsForm({ initial, models, patterns, onSaved, onCleared }: DefaultsFormProps) {
  const id = useId();
  const [chosen, setChosen] = useState<string[]>(initial.models);
  const [ultraModel, setUltraModel] = useState(initial.ultraModel ?? '');
  const [pattern, setPattern] = useState(initial.pattern ?? '');
  const save = useAction();
  const clear = useAction();

  // A stored model the catalog no longer lists stays visible, so it can be unticked.
  const listed = [
    ...models.map((m) => ({ id: m.id, label: m.displayName, note: STATUS_NOTE[m.status] })),
    ...initial.models
      .filter((m) => !models.some((info) => info.id === m))
      .map((m) => ({ id: m, label: m, note: 'not in the catalog' })),
  ];
  const ultra = chosen.includes(ultraModel) ? ultraModel : '';

  const toggle = (model: string, on: boolean) =>
    setChosen((current) => (on ? [...current, model] : current.filter((m) => m !== model)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body: UserDefaultsRequest = {
      models: chosen,
      ...(ultra && { ultraModel: ultra }),
      ...(pattern && { pattern }),
    };
    await save.run(async () => onSaved(await api.request<UserDefaults>('PUT', '/api/users/me/defaults', body)));
  };
  const clearAll = async () => {
    await clear.run(async () => {
      await api.request<void>('DELETE', '/api/users/me/defaults');
      onCleared();
    });
  };

  const modelErrors = Object.entries(save.fields).filter(([path]) => path === 'models' || path.startsWith('models.'));
  const shownPaths = [...modelErrors.map(([path]) => path), 'ultraModel', 'pattern'];
  return (
    <form className="card settings-form" onSubmit={(e) => void submit(e)} noValidate>
      <fieldset className="field checkbox-list" aria-describedby={`${id}-models-hint`}>
        <legend className="label">Models</legend>
        <p id={`${id}-models-hint`} className="hint">
          Up to {MAX_MODELS}; {chosen.length} chosen.
        </p>
        {listed.map((model) => (
          <div key={model.id} className="checkbox">
            <input
              id={`${id}-${model.id}`}
              type="checkbox"
              checked={chosen.includes(model.id)}
              disabled={!chosen.includes(model.id) && chosen.length >= MAX_MODELS}
              onChange={(e) => toggle(model.id, e.target.checked)}
            />
            <label htmlFor={`${id}-${model.id}`}>{model.label}</label>
            <span className="hint">
              {model.id}
              {model.note && ` · ${model.note}`}
            </span>
          </div>
        ))}
        {modelErrors.map(([path, message]) => (
          <p key={path} className="field-error">
            {message}
          </p>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-ultra`}>Ultra model</label>
        <select id={`${id}-ultra`} value={ultra} onChange={(e) => setUltraModel(e.target.value)}>
          <option value="">The first chosen model</option>
          {chosen.map((model) => (
            <option key={model} value={model}>
              {listed.find((m) => m.id === model)?.label ?? model}
            </option>
          ))}
        </select>
        {save.fields.ultraModel && <p className="field-error">{save.fields.ultraModel}</p>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-pattern`}>Pattern</label>
        <select id={`${id}-pattern`} value={pattern} onChange={(e) => setPattern(e.target.value)}>
          <option value="">The server&apos;s default</option>
          {patterns.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.source === 'user' ? ' (yours)' : ''}
            </option>
          ))}
        </select>
        {save.fields.pattern && <p className="field-error">{save.fields.pattern}</p>}
      </div>
      <ErrorMessage error={bannerError(save, shownPaths)} />
      <ErrorMessage error={clear.error} />
      <div className="button-row">
        <Button type="submit" disabled={save.busy || chosen.length === 0}>
          Save defaults
        </Button>
        <Button variant="secondary" disabled={clear.busy} onClick={() => void clearAll()}>
          Clear defaults
        </Button>
      </div>
    </form>
  );
}
