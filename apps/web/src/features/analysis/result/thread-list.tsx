import type { AnalysisView, ThreadView } from '@ultra/contracts';
import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../../api/api-client';
import { ErrorMessage } from '../../../components/ui';

const shorten = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}…` : text);

/** The analyses of this one's thread, oldest first; shown once there is more than this analysis in it. */
export function ThreadList({ analysis }: { analysis: AnalysisView }) {
  const headingId = useId();
  const [thread, setThread] = useState<ThreadView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const threadId = analysis.threadId;

  useEffect(() => {
    if (!threadId) return;
    let current = true;
    api
      .get<ThreadView>(`/api/threads/${encodeURIComponent(threadId)}`)
      .then((t) => current && setThread(t))
      .catch((e: unknown) => current && setError(e));
    return () => {
      current = false;
    };
  }, [threadId, analysis.id]);

  if (error) return <ErrorMessage error={error} />;
  if (!thread || thread.analyses.length < 2) return null;
  return (
    <nav className="result-section thread" aria-labelledby={headingId}>
      <h2 id={headingId}>Thread</h2>
      <ol className="thread-list">
        {thread.analyses.map((entry) => (
          <li key={entry.id}>
            {entry.id === analysis.id ? (
              <span aria-current="page" className="thread-current">
                {shorten(entry.prompt)}
              </span>
            ) : (
              <Link to={`/analyses/${entry.id}`}>{shorten(entry.prompt)}</Link>
            )}{' '}
            <span className="hint">
              {entry.status} · {new Date(entry.createdAt).toLocaleString()}
            </span>
          </li>
        ))}
      </ol>
    </nav>
  );
}
