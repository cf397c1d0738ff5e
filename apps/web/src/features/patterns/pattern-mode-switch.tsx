import { useId } from 'react';

export type EditorMode = 'form' | 'yaml';

/** Form or YAML: radio buttons, so the choice is one tab stop and arrow keys move between the two. */
export function PatternModeSwitch({ mode, onChange }: { mode: EditorMode; onChange: (mode: EditorMode) => void }) {
  const name = useId();
  return (
    <fieldset className="pattern-mode">
      <legend>Edit as</legend>
      {(['form', 'yaml'] as const).map((m) => (
        <label key={m} className="pattern-mode-option">
          <input type="radio" name={name} value={m} checked={mode === m} onChange={() => onChange(m)} />
          {m === 'form' ? 'Form' : 'YAML'}
        </label>
      ))}
    </fieldset>
  );
}
