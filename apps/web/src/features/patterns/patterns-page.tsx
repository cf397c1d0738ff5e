import type { PatternInfo } from '@ultra/contracts';
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { api } from '../../api/api-client';
import { Button, EmptyState, ErrorMessage, Loading, Page } from '../../components/ui';
import { PatternCard } from './pattern-card';
import './patterns.css';

export { PatternEditPage } from './pattern-edit-page';

function PatternSection({ title, patterns, empty }: { title: string; patterns: PatternInfo[]; empty?: string }) {
  return (
    <section aria-labelledby={`patterns-${title}`} className="pattern-section">
      <h2 id={`patterns-${title}`}>{title}</h2>
      {patterns.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <ul className="pattern-grid">
          {patterns.map((p) => (
            <PatternCard key={p.id} pattern={p} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** `GET /api/patterns`: the installation's built-ins, then the user's own. */
export function PatternsPage() {
  const [patterns, setPatterns] = useState<PatternInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const deleted = (useLocation().state as { deleted?: string } | null)?.deleted;

  useEffect(() => {
    api.get<{ patterns: PatternInfo[] }>('/api/patterns').then((r) => setPatterns(r.patterns), setError);
  }, [attempt]);

  const newLink = (
    <Link className="btn btn-primary" to="/patterns/new">
      New pattern
    </Link>
  );
  return (
    <Page title="Patterns" actions={newLink}>
      <p role="status" aria-live="polite" className="hint">
        {deleted ? `Deleted “${deleted}”.` : ''}
      </p>
      {error !== null ? (
        <>
          <ErrorMessage error={error} />
          <Button
            variant="secondary"
            onClick={() => {
              setError(null);
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </Button>
        </>
      ) : patterns === null ? (
        <Loading label="Loading patterns…" />
      ) : patterns.length === 0 ? (
        <EmptyState title="No patterns are available." />
      ) : (
        <>
          <PatternSection
            title="Your patterns"
            patterns={patterns.filter((p) => p.source === 'user')}
            empty="You have none yet. Start with “New pattern”, or copy a built-in."
          />
          <PatternSection title="Built-in patterns" patterns={patterns.filter((p) => p.source === 'builtin')} />
        </>
      )}
    </Page>
  );
}
