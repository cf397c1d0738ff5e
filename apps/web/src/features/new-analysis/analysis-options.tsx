import { TextField } from '../../components/ui';
import type { OptionValues } from './analysis-form';

interface AnalysisOptionsProps {
  values: OptionValues;
  onChange: (name: keyof OptionValues, value: string) => void;
  /** The API's messages by path (`options.quorum`…). */
  errors: Record<string, string>;
}

/** Per-analysis overrides; an empty field keeps the pattern's or the server's default. */
export function AnalysisOptions({ values, onChange, errors }: AnalysisOptionsProps) {
  return (
    <fieldset className="analysis-options">
      <legend>Options</legend>
      <div className="options-grid">
        <TextField
          label="Quorum"
          type="number"
          inputMode="numeric"
          min={1}
          max={64}
          step={1}
          value={values.quorum}
          onChange={(e) => onChange('quorum', e.target.value)}
          hint="Fewest answers a stage needs for the analysis to go on. Empty: the pattern's."
          error={errors['options.quorum']}
        />
        <TextField
          label="Temperature"
          type="number"
          inputMode="decimal"
          min={0}
          max={2}
          step={0.1}
          value={values.temperature}
          onChange={(e) => onChange('temperature', e.target.value)}
          hint="0–2. Empty: each model's default."
          error={errors['options.temperature']}
        />
        <TextField
          label="Max tokens"
          type="number"
          inputMode="numeric"
          min={1}
          max={200000}
          step={1}
          value={values.maxOutputTokens}
          onChange={(e) => onChange('maxOutputTokens', e.target.value)}
          hint="Longest answer of each call, in tokens. Empty: the server's limit."
          error={errors['options.maxOutputTokens'] ?? errors.options}
        />
      </div>
    </fieldset>
  );
}
