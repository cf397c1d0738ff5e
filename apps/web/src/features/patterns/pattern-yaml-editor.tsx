import { useId } from 'react';
import { lineOfMessage, lineOfPath } from './pattern-yaml';

export interface Problem {
  path: string;
  message: string;
}

/** The API's problems with a document; with the YAML text, each names the line it points at. */
export function PatternProblems({ problems, text, id }: { problems: Problem[]; text?: string; id?: string }) {
  if (problems.length === 0) return null;
  return (
    <div id={id} className="pattern-problems">
      <h2>Problems</h2>
      <ul>
        {problems.map((p, i) => {
          // A syntax error names its line; a schema problem names a field, found in the text.
          const line = text === undefined ? undefined : (lineOfMessage(p.message) ?? lineOfPath(text, p.path));
          const showPath = p.path && p.path !== 'body' && p.path !== 'pattern';
          return (
            <li key={i}>
              {line !== undefined && <span className="pattern-line">Line {line}: </span>}
              {showPath && <code>{p.path}</code>} {p.message}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The YAML mode: the whole document as text, the problems beside it. */
export function PatternYamlEditor({
  text,
  problems,
  onChange,
}: {
  text: string;
  problems: Problem[];
  onChange: (text: string) => void;
}) {
  const id = useId();
  return (
    <div className="pattern-yaml">
      <div className="field pattern-yaml-text">
        <label htmlFor={id}>Pattern YAML</label>
        <textarea
          id={id}
          className="pattern-yaml-area"
          value={text}
          spellCheck={false}
          rows={Math.min(40, Math.max(12, text.split('\n').length + 1))}
          aria-invalid={problems.length > 0 ? true : undefined}
          aria-describedby={problems.length > 0 ? `${id}-problems` : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
      <PatternProblems id={`${id}-problems`} problems={problems} text={text} />
    </div>
  );
}
