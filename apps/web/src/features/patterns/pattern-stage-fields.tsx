import { useId } from 'react';
import { TextAreaField, TextField } from '../../components/ui';
import { type DraftStage, withKind } from './pattern-draft';

const aggregators = ['borda', 'majority', 'agreement'];
/** Other fields the schema allows; the form keeps them, the YAML mode edits them. */
const yamlOnly = ['description', 'when', 'options', 'repeat', 'failure'];

/** One stage's common fields. Participants other than `all` or `ultra` (a list, top-k, samples) are YAML-only. */
export function PatternStageFields({
  stage,
  index,
  errors,
  onChange,
}: {
  stage: DraftStage;
  index: number;
  errors: Record<string, string>;
  onChange: (stage: DraftStage) => void;
}) {
  const id = useId();
  const err = (field: string) => errors[`stages.${index}.${field}`];
  const simpleParticipants = stage.participants === 'all' || stage.participants === 'ultra';
  const elsewhere = yamlOnly.filter((f) => stage[f] !== undefined);

  return (
    <>
      <TextField
        label="Stage id"
        value={stage.id}
        error={err('id')}
        onChange={(e) => onChange({ ...stage, id: e.target.value })}
      />
      <TextField
        label="Stage label"
        value={stage.label}
        error={err('label')}
        onChange={(e) => onChange({ ...stage, label: e.target.value })}
      />
      <div className="field">
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select
          id={`${id}-kind`}
          value={stage.kind}
          onChange={(e) => onChange(withKind(stage, e.target.value as DraftStage['kind']))}
        >
          <option value="generate">generate: models answer a prompt</option>
          <option value="aggregate">aggregate: combine an earlier stage</option>
        </select>
      </div>
      {stage.kind === 'generate' ? (
        <>
          {simpleParticipants ? (
            <div className="field">
              <label htmlFor={`${id}-participants`}>Participants</label>
              <select
                id={`${id}-participants`}
                value={String(stage.participants)}
                onChange={(e) => onChange({ ...stage, participants: e.target.value })}
              >
                <option value="all">all: every chosen model</option>
                <option value="ultra">ultra: the ultra model</option>
              </select>
            </div>
          ) : (
            <p className="hint">Participants: {JSON.stringify(stage.participants)} (edit in YAML)</p>
          )}
          <TextAreaField
            label="System prompt"
            value={stage.prompt?.system ?? ''}
            error={err('prompt.system')}
            onChange={(e) => {
              const prompt = { user: stage.prompt?.user ?? '' };
              onChange({ ...stage, prompt: e.target.value ? { ...prompt, system: e.target.value } : prompt });
            }}
          />
          <TextAreaField
            label="User prompt"
            value={stage.prompt?.user ?? ''}
            error={err('prompt.user') ?? err('prompt')}
            hint="Templates: {{question}}, {{all.<stage>}}, {{others.<stage>}}, {{own.<stage>}}, {{aggregate.<stage>}}, {{params.<name>}}"
            onChange={(e) => onChange({ ...stage, prompt: { ...stage.prompt, user: e.target.value } })}
          />
        </>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-use`}>Aggregator</label>
            <select
              id={`${id}-use`}
              value={stage.use ?? 'borda'}
              onChange={(e) => onChange({ ...stage, use: e.target.value })}
            >
              {aggregators.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          <TextField
            label="From stage"
            value={stage.from ?? ''}
            error={err('from')}
            onChange={(e) => onChange({ ...stage, from: e.target.value })}
          />
        </>
      )}
      {elsewhere.length > 0 && <p className="hint">Also set, editable in YAML: {elsewhere.join(', ')}.</p>}
    </>
  );
}
