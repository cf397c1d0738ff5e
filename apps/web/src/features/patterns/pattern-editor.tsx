import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, ErrorMessage } from '../../components/ui';
import { deletePattern, problemsOf, savePattern } from './pattern-api';
import { DeletePatternButton } from './delete-pattern-button';
import { documentOf, draftOf, type PatternDraft } from './pattern-draft';
import { PatternForm } from './pattern-form';
import { fromYaml, toYaml } from './pattern-yaml';
import { PatternProblems, type Problem, PatternYamlEditor } from './pattern-yaml-editor';
import { PatternModeSwitch, type EditorMode } from './pattern-mode-switch';
import { type PatternCheck, usePatternCheck } from './use-pattern-check';

/** The status line's words for a live check. */
function checkStatusOf(check: PatternCheck): string {
  if (check.state === 'valid') return 'Valid.';
  if (check.state === 'unavailable') return `Could not check the latest edits: ${check.message}`;
  return check.problems.length === 1 ? '1 problem.' : `${check.problems.length} problems.`;
}

/**
 * The pattern editor: a form for the common fields, YAML for everything; Save sends whichever mode is shown.
 * Edits are checked by the API as the user types (usePatternCheck), so its problems show before Save.
 */
export function PatternEditor({ initial, isNew, saved }: { initial: PatternDraft; isNew: boolean; saved?: boolean }) {
  const navigate = useNavigate();
  const [mode, setMode] = useState<EditorMode>('form');
  const [draft, setDraft] = useState(initial);
  const [yaml, setYaml] = useState('');
  // The YAML as the form wrote it: unchanged, the form takes over again as it was (no round trip through YAML).
  const [yamlBase, setYamlBase] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState(saved ? 'Saved.' : '');
  // Why the form cannot take over the edited YAML (its syntax error); null when it can.
  const [switchBlocked, setSwitchBlocked] = useState<string | null>(null);

  // Unchanged YAML is the form's document, so switching modes alone is no edit and sends nothing.
  const checked = mode === 'yaml' && yaml !== yamlBase ? yaml : documentOf(draft);
  const checkKey = typeof checked === 'string' ? `yaml:${checked}` : `json:${JSON.stringify(checked)}`;
  const rebaseCheck = usePatternCheck(checked, checkKey, (check) => {
    // A check of newer text outdates what Save said; one that could not run leaves the last problems shown.
    if (check.state !== 'unavailable') {
      setProblems(check.state === 'invalid' ? check.problems : []);
      setError(null);
    }
    setStatus(checkStatusOf(check));
  });

  const showYaml = () => {
    const text = toYaml(documentOf(draft));
    setYaml(text);
    setYamlBase(text);
    setMode('yaml');
  };
  const showForm = (discard = false) => {
    if (discard || yaml === yamlBase) return (setSwitchBlocked(null), setMode('form'));
    const read = fromYaml(yaml);
    if (!read.ok) return setSwitchBlocked(read.message);
    setSwitchBlocked(null);
    setDraft(draftOf(read.document));
    setMode('form');
  };

  const save = async () => {
    // Save's answer speaks for this text: a check still pending for it would only repeat or blur it.
    rebaseCheck();
    setSaving(true);
    setProblems([]);
    setError(null);
    setStatus('');
    try {
      const result = await savePattern(mode === 'yaml' ? yaml : documentOf(draft), isNew ? undefined : draft.id);
      if (isNew) return navigate(`/patterns/${result.spec.id}`, { replace: true, state: { saved: true } });
      // The saved (normalized) document is the new starting point: not checked again until edited.
      rebaseCheck();
      setDraft(draftOf(result.spec));
      if (mode === 'yaml') setYamlBase(yaml);
      setStatus('Saved.');
    } catch (e) {
      setProblems(problemsOf(e));
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const fieldErrors = Object.fromEntries(problems.map((p) => [p.path, p.message]));
  return (
    <form
      className="pattern-editor"
      aria-label={isNew ? 'New pattern' : `Edit pattern ${initial.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <PatternModeSwitch mode={mode} onChange={(m) => (m === 'yaml' ? showYaml() : showForm())} />
      {switchBlocked !== null && (
        <div role="alert" className="error-banner">
          <p>The form cannot read this YAML: {switchBlocked}. Fix it, or discard the YAML edits.</p>
          <Button variant="secondary" onClick={() => showForm(true)}>
            Discard YAML edits
          </Button>
        </div>
      )}
      <ErrorMessage error={error} />
      {mode === 'form' ? (
        <>
          <PatternForm draft={draft} isNew={isNew} errors={fieldErrors} onChange={setDraft} />
          {problems.length > 0 && <PatternProblems problems={problems} />}
        </>
      ) : (
        <PatternYamlEditor text={yaml} problems={problems} onChange={setYaml} />
      )}
      <div className="pattern-editor-actions">
        <Button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save pattern'}
        </Button>
        {!isNew && (
          <DeletePatternButton
            name={initial.name}
            onDelete={async () => {
              await deletePattern(initial.id);
              await navigate('/patterns', { state: { deleted: initial.name } });
            }}
          />
        )}
        <p role="status" aria-live="polite" className="hint">
          {status}
        </p>
      </div>
    </form>
  );
}
