import { Button, TextAreaField, TextField } from '../../components/ui';
import { newStage, type PatternDraft } from './pattern-draft';
import { PatternParamsFields } from './pattern-params-fields';
import { PatternStageFields } from './pattern-stage-fields';

/** The form mode: the fields most patterns need. `errors` are the API's problems keyed by path. */
export function PatternForm({
  draft,
  isNew,
  errors,
  onChange,
}: {
  draft: PatternDraft;
  isNew: boolean;
  errors: Record<string, string>;
  onChange: (draft: PatternDraft) => void;
}) {
  const set = (patch: Partial<PatternDraft>) => onChange({ ...draft, ...patch });
  const stages = draft.stages;
  const move = (from: number, to: number) => {
    const next = [...stages];
    const [stage] = next.splice(from, 1);
    next.splice(to, 0, stage);
    set({ stages: next });
  };

  return (
    <div className="pattern-form">
      <TextField
        label="Id"
        value={draft.id}
        required
        disabled={!isNew}
        error={errors.id}
        hint={isNew ? 'A lower-case slug, e.g. my-critique; it cannot change later.' : 'The id cannot change.'}
        onChange={(e) => set({ id: e.target.value })}
      />
      <TextField
        label="Name"
        value={draft.name}
        required
        maxLength={100}
        error={errors.name}
        onChange={(e) => set({ name: e.target.value })}
      />
      <TextAreaField
        label="Description"
        value={draft.description}
        required
        maxLength={2000}
        error={errors.description}
        onChange={(e) => set({ description: e.target.value })}
      />
      <PatternParamsFields params={draft.params} errors={errors} onChange={(params) => set({ params })} />
      <fieldset className="pattern-fieldset">
        <legend>Stages</legend>
        {errors.stages && <p className="field-error">{errors.stages}</p>}
        <ol className="pattern-stage-list">
          {stages.map((stage, i) => (
            <li key={i} className="card pattern-stage" aria-label={`Stage ${i + 1}`}>
              <h3>
                Stage {i + 1}: {stage.label || stage.id}
              </h3>
              <PatternStageFields
                stage={stage}
                index={i}
                errors={errors}
                onChange={(next) => set({ stages: stages.map((s, j) => (j === i ? next : s)) })}
              />
              <div className="pattern-stage-actions">
                <Button
                  variant="secondary"
                  disabled={i === 0}
                  aria-label={`Move stage ${i + 1} up`}
                  onClick={() => move(i, i - 1)}
                >
                  Up
                </Button>
                <Button
                  variant="secondary"
                  disabled={i === stages.length - 1}
                  aria-label={`Move stage ${i + 1} down`}
                  onClick={() => move(i, i + 1)}
                >
                  Down
                </Button>
                <Button
                  variant="danger"
                  disabled={stages.length === 1}
                  aria-label={`Remove stage ${i + 1}`}
                  onClick={() => set({ stages: stages.filter((_, j) => j !== i) })}
                >
                  Remove
                </Button>
              </div>
            </li>
          ))}
        </ol>
        <Button variant="secondary" onClick={() => set({ stages: [...stages, newStage(stages.length + 1)] })}>
          Add stage
        </Button>
      </fieldset>
      {Object.keys(draft.rest).length > 0 && (
        <p className="hint">Also set, editable in YAML: {Object.keys(draft.rest).join(', ')}.</p>
      )}
    </div>
  );
}
