import { useId } from 'react';
import type { RankingData } from './pattern-data';
import { UnparsedNotes } from './unparsed-notes';

/** The council's peer ranking (Borda count): points, mean position and first places per model. */
export function RankingTable({ title, data }: { title: string; data: RankingData }) {
  const headingId = useId();
  return (
    <section className="result-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {data.voters === 0 ? (
        <p>No usable ranking was given, so there is no aggregate ranking.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption>
              Peer ranking, Borda count over {data.voters} {data.voters === 1 ? 'ranking' : 'rankings'}
              {data.selfVotesIgnored > 0 && ` (${data.selfVotesIgnored} self-votes ignored)`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Model</th>
                <th scope="col">Points</th>
                <th scope="col">Mean position</th>
                <th scope="col">First places</th>
              </tr>
            </thead>
            <tbody>
              {data.ranking.map((entry, i) => (
                <tr key={entry.model}>
                  <td>{i + 1}</td>
                  <th scope="row">{entry.model}</th>
                  <td>{entry.points}</td>
                  <td>{entry.meanPosition ?? 'not ranked'}</td>
                  <td>{entry.votes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <UnparsedNotes unparsed={data.unparsed} what="rankings" />
    </section>
  );
}
