import { useId } from 'react';
import { Button, TextField } from '../../components/ui';
import type { ParamRow } from './pattern-draft';

type Errors = Record<string, string>;

/** The pattern's declared parameters (`$name` in counts and thresholds), one row each. */
export function PatternParamsFields({
  params,
  errors,
  onChange,
}: {
  params: ParamRow[];
  errors: Errors;
  onChange: (params: ParamRow[]) => void;
}) {
  const id = useId();
  const update = (i: number, patch: Partial<ParamRow>) =>
    onChange(params.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  const add = () =>
    onChange([
      ...params,
      { name: `param${params.length + 1}`, type: 'integer', default: '1', min: '1', max: '3', description: '' },
    ]);

  return (
    <fieldset className="pattern-fieldset">
      <legend>Parameters</legend>
      {params.length === 0 && <p className="hint">No parameters. Stages can refer to one as $name.</p>}
      {params.map((p, i) => {
        const err = (field: string) => errors[`params.${p.name}.${field}`];
        return (
          <div key={i} className="pattern-param" role="group" aria-label={`Parameter ${i + 1}`}>
            <TextField
              label="Parameter name"
              value={p.name}
              error={errors[`params.${p.name}`]}
              onChange={(e) => update(i, { name: e.target.value })}
            />
            <div className="field">
              <label htmlFor={`${id}-type-${i}`}>Type</label>
              <select
                id={`${id}-type-${i}`}
                value={p.type}
                onChange={(e) => update(i, { type: e.target.value as ParamRow['type'] })}
              >
                <option value="integer">integer</option>
                <option value="number">number</option>
              </select>
            </div>
            <TextField
              label="Default"
              inputMode="decimal"
              value={p.default}
              error={err('default')}
              onChange={(e) => update(i, { default: e.target.value })}
            />
            <TextField
              label="Min"
              inputMode="decimal"
              value={p.min}
              error={err('min')}
              onChange={(e) => update(i, { min: e.target.value })}
            />
            <TextField
              label="Max"
              inputMode="decimal"
              value={p.max}
              error={err('max')}
              onChange={(e) => update(i, { max: e.target.value })}
            />
            <TextField
              label="Parameter description"
              value={p.description}
              onChange={(e) => update(i, { description: e.target.value })}
            />
            <Button
              variant="danger"
              aria-label={`Remove parameter ${p.name || i + 1}`}
              onClick={() => onChange(params.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          </div>
        );
      })}
      <Button variant="secondary" onClick={add}>
        Add parameter
      </Button>
    </fieldset>
  );
}
