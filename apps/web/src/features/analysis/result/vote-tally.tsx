import { useId } from 'react';
import type { VotesData } from './pattern-data';
import { UnparsedNotes } from './unparsed-notes';

/** The vote: votes per model, the winner, and a tie when there was one. */
export function VoteTally({ title, data }: { title: string; data: VotesData }) {
  const headingId = useId();
  return (
    <section className="result-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {data.winner === null ? (
        <p>No usable vote was cast, so there is no winner.</p>
      ) : (
        <p>
          Winner: <strong>{data.winner}</strong>
          {data.tied.length > 0 && ` (a tie between ${data.tied.join(', ')}; broken by model order)`}
        </p>
      )}
      <div className="table-scroll">
        <table>
          <caption>Votes per model</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Votes</th>
            </tr>
          </thead>
          <tbody>
            {data.tally.map((entry) => (
              <tr key={entry.model} className={entry.model === data.winner ? 'winner' : undefined}>
                <th scope="row">
                  {entry.model}
                  {entry.model === data.winner && <span className="badge badge-ok">winner</span>}
                </th>
                <td>{entry.votes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.selfVotesIgnored > 0 && <p className="hint">{data.selfVotesIgnored} votes for their own answer ignored.</p>}
      <UnparsedNotes unparsed={data.unparsed} what="votes" />
    </section>
  );
}
