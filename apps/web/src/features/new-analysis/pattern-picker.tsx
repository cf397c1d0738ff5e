import type { PatternInfo } from '@ultra/contracts';
import { useId } from 'react';
import { TextField } from '../../components/ui';
import { errorAt } from './analysis-form';

interface PatternPickerProps {
  patterns: PatternInfo[];
  value: string;
  onChange: (pattern: string) => void;
  params: Record<string, string>;
  onParamChange: (name: string, value: string) => void;
  /** The API's messages by path: `pattern`, `params`, `params.<name>`. */
  errors: Record<string, string>;
}

const KIND: Record<PatternInfo['stages'][number]['kind'], string> = {
  generate: 'models answer',
  aggregate: 'computed from answers',
};

/** `max_rounds` → "Max rounds": parameter names are slugs. */
export function paramLabel(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function ParamField({
  name,
  spec,
  value,
  onChange,
  error,
}: {
  name: string;
  spec: PatternInfo['params'][string];
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  const range = `${spec.min}–${spec.max}, default ${spec.default}`;
  return (
    <TextField
      label={paramLabel(name)}
      type="number"
      inputMode={spec.type === 'integer' ? 'numeric' : 'decimal'}
      min={spec.min}
      max={spec.max}
      step={spec.type === 'integer' ? 1 : 'any'}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      hint={spec.description ? `${spec.description} (${range})` : range}
      error={error}
    />
  );
}

/** Chooses how the models work together, shows the pattern's stages and takes its declared parameters. */
export function PatternPicker({ patterns, value, onChange, params, onParamChange, errors }: PatternPickerProps) {
  const id = useId();
  const pattern = patterns.find((p) => p.id === value);
  const patternError = errors.pattern;
  const paramsError = errors.params;
  const builtins = patterns.filter((p) => p.source === 'builtin');
  const own = patterns.filter((p) => p.source === 'user');
  const option = (p: PatternInfo) => (
    <option key={p.id} value={p.id}>
      {p.name}
    </option>
  );

  return (
    <div className="pattern-picker">
      <div className="field">
        <label htmlFor={`${id}-pattern`}>Pattern</label>
        <select
          id={`${id}-pattern`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={patternError ? true : undefined}
          aria-describedby={`${id}-description${patternError ? ` ${id}-error` : ''}`}
        >
          {own.length > 0 ? (
            <>
              <optgroup label="Built-in">{builtins.map(option)}</optgroup>
              <optgroup label="Your patterns">{own.map(option)}</optgroup>
            </>
          ) : (
            builtins.map(option)
          )}
        </select>
        <p id={`${id}-description`} className="hint">
          {pattern?.description}
        </p>
        {patternError && (
          <p id={`${id}-error`} className="field-error">
            {patternError}
          </p>
        )}
      </div>

      {pattern && (
        <>
          <h3 id={`${id}-stages`}>Stages</h3>
          <ol className="stage-outline" aria-labelledby={`${id}-stages`}>
            {pattern.stages.map((stage) => (
              <li key={stage.id}>
                <span className="stage-label">{stage.label}</span> <span className="hint">({KIND[stage.kind]})</span>
                {stage.description && <p className="hint">{stage.description}</p>}
              </li>
            ))}
          </ol>
          {Object.keys(pattern.params).length > 0 && (
            <fieldset className="pattern-params">
              <legend>Parameters</legend>
              {paramsError && <p className="field-error">{paramsError}</p>}
              {Object.entries(pattern.params).map(([name, spec]) => (
                <ParamField
                  key={name}
                  name={name}
                  spec={spec}
                  value={params[name] ?? ''}
                  onChange={(v) => onParamChange(name, v)}
                  error={errorAt(errors, `params.${name}`)}
                />
              ))}
            </fieldset>
          )}
        </>
      )}
    </div>
  );
}
