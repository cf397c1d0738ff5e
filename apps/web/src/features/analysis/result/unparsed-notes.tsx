import type { Unparsed } from './pattern-data';

/** Ballots or reviews an aggregate could not read, with why: they explain a thin result. */
export function UnparsedNotes({ unparsed, what }: { unparsed: Unparsed[]; what: string }) {
  if (unparsed.length === 0) return null;
  return (
    <details className="unparsed">
      <summary>
        {unparsed.length} {what} could not be read
      </summary>
      <ul>
        {unparsed.map((u, i) => (
          <li key={`${u.model}-${i}`}>
            <strong>{u.model}</strong>: {u.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}
