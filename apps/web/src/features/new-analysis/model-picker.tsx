import type { ModelStatus } from '@ultra/contracts';
import { useId } from 'react';
import { formatPrice } from './format';
import type { CatalogModel } from './use-analysis-choices';

/** Models one analysis may ask (contracts' MAX_MODELS_PER_ANALYSIS). */
export const MAX_MODELS = 8;

const PROVIDER_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google',
  mistral: 'Mistral',
  mock: 'Mock',
};

const STATUS: Record<ModelStatus, { label: string; className: string }> = {
  ready: { label: 'Ready', className: 'status-ok' },
  needs_key: { label: 'Needs key', className: 'status-error' },
  degraded: { label: 'Degraded', className: 'status-warn' },
};

/** The catalog by provider, in the catalog's order. */
export function groupByProvider(models: readonly CatalogModel[]): [string, CatalogModel[]][] {
  const groups = new Map<string, CatalogModel[]>();
  for (const model of models) groups.set(model.provider, [...(groups.get(model.provider) ?? []), model]);
  return [...groups];
}

interface ModelPickerProps {
  models: CatalogModel[];
  selected: string[];
  ultraModel: string | null;
  onChange: (models: string[]) => void;
  onUltraModelChange: (model: string) => void;
  error?: string;
  ultraError?: string;
}

function ModelOption({
  model,
  checked,
  disabled,
  onToggle,
}: {
  model: CatalogModel;
  checked: boolean;
  disabled: boolean;
  onToggle: () => void;
}) {
  const id = useId();
  const status = STATUS[model.status] ?? { label: model.status, className: '' };
  const note = model.status === 'needs_key' ? 'add a provider key in Settings' : model.reason;
  return (
    <li className="model-option">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={onToggle}
        aria-describedby={`${id}-about`}
      />
      <label htmlFor={id}>{model.displayName}</label>
      <span id={`${id}-about`} className="model-about">
        <span className={status.className}>{status.label}</span>
        {note && (
          <>
            {' '}
            <span className="hint">({note})</span>
          </>
        )}
        {model.pricing && (
          <>
            {' '}
            <span className="hint model-price">{formatPrice(model.pricing)}</span>
          </>
        )}
      </span>
    </li>
  );
}

/** Ticks the models to ask, grouped by provider, and which of them is the ultra model (the one that concludes). */
export function ModelPicker(props: ModelPickerProps) {
  const { models, selected, ultraModel, onChange, onUltraModelChange, error, ultraError } = props;
  const id = useId();
  const full = selected.length >= MAX_MODELS;
  const toggle = (modelId: string) =>
    onChange(selected.includes(modelId) ? selected.filter((m) => m !== modelId) : [...selected, modelId]);
  const names = new Map(models.map((m) => [m.id, m.displayName]));

  return (
    <div className="model-picker">
      <fieldset aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}>
        <legend>Choose models</legend>
        <p id={`${id}-hint`} className="hint">
          Up to {MAX_MODELS} models. {selected.length} chosen.
        </p>
        {error && (
          <p id={`${id}-error`} className="field-error">
            {error}
          </p>
        )}
        {models.length === 0 && <p className="hint">No models are configured on this server.</p>}
        {groupByProvider(models).map(([provider, group]) => (
          <fieldset key={provider} className="provider-group">
            <legend>{PROVIDER_NAMES[provider] ?? provider}</legend>
            <ul className="model-list">
              {group.map((model) => {
                const checked = selected.includes(model.id);
                // A model without a key would be refused at submit; one already ticked can still be unticked.
                const disabled = !checked && (full || model.status === 'needs_key');
                return (
                  <ModelOption
                    key={model.id}
                    model={model}
                    checked={checked}
                    disabled={disabled}
                    onToggle={() => toggle(model.id)}
                  />
                );
              })}
            </ul>
          </fieldset>
        ))}
      </fieldset>

      <fieldset className="ultra-picker" aria-describedby={ultraError ? `${id}-ultra-error` : `${id}-ultra-hint`}>
        <legend>Ultra model</legend>
        <p id={`${id}-ultra-hint`} className="hint">
          The model that writes the final answer.
        </p>
        {ultraError && (
          <p id={`${id}-ultra-error`} className="field-error">
            {ultraError}
          </p>
        )}
        {selected.length === 0 ? (
          <p className="hint">Choose models first.</p>
        ) : (
          selected.map((modelId) => (
            <div key={modelId} className="radio-option">
              <input
                id={`${id}-ultra-${modelId}`}
                type="radio"
                name={`${id}-ultra`}
                value={modelId}
                checked={ultraModel === modelId}
                onChange={() => onUltraModelChange(modelId)}
              />
              <label htmlFor={`${id}-ultra-${modelId}`}>{names.get(modelId) ?? modelId}</label>
            </div>
          ))
        )}
      </fieldset>
    </div>
  );
}
