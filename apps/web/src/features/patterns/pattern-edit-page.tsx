import { useEffect, useState } from 'react';
import { Link, useLocation, useParams, useSearchParams } from 'react-router-dom';
import { ErrorMessage, Loading, Page } from '../../components/ui';
import { loadPattern, type PatternDocument } from './pattern-api';
import { ParamSummary, StageOutline } from './pattern-card';
import { copyOf, draftOf, emptyDraft } from './pattern-draft';
import { PatternEditor } from './pattern-editor';
import { toYaml } from './pattern-yaml';
import './patterns.css';

/** A built-in belongs to the installation: shown read-only, with a way to start an own copy. */
function BuiltinPattern({ document }: { document: PatternDocument }) {
  const { pattern, spec } = document;
  const copy = (
    <Link className="btn btn-primary" to={`/patterns/new?from=${encodeURIComponent(pattern.id)}`}>
      Copy as new
    </Link>
  );
  return (
    <Page title={pattern.name} actions={copy}>
      <p className="hint">
        <code>{pattern.id}</code> · built-in, read-only
      </p>
      <p>{pattern.description}</p>
      <ParamSummary params={pattern.params} />
      <h2>Stages</h2>
      <StageOutline stages={pattern.stages} />
      <h2>YAML</h2>
      <pre className="pattern-yaml-view" tabIndex={0} aria-label="Pattern YAML">
        <code>{toYaml(spec)}</code>
      </pre>
    </Page>
  );
}

/** `/patterns/new` (optionally `?from=<id>` to start from a copy) and `/patterns/:id`. */
export function PatternEditPage() {
  const { id } = useParams();
  const from = useSearchParams()[0].get('from');
  const saved = (useLocation().state as { saved?: boolean } | null)?.saved;
  const source = id ?? from;
  // What was loaded, and for which id: an answer for another id is not shown.
  const [loaded, setLoaded] = useState<{ source: string; document?: PatternDocument; error?: unknown } | null>(null);

  useEffect(() => {
    if (!source) return;
    let current = true;
    loadPattern(source).then(
      (document) => current && setLoaded({ source, document }),
      (error: unknown) => current && setLoaded({ source, error }),
    );
    return () => {
      current = false;
    };
  }, [source]);
  const shown = loaded?.source === source ? loaded : null;
  const document = shown?.document;
  const error = shown?.error;

  const title = id ? (document?.pattern.name ?? 'Pattern') : 'New pattern';
  if (error) {
    return (
      <Page title={title}>
        <ErrorMessage error={error} />
        <Link to="/patterns">Back to patterns</Link>
      </Page>
    );
  }
  if (source && !document) {
    return (
      <Page title={title}>
        <Loading label="Loading the pattern…" />
      </Page>
    );
  }
  if (id && document?.pattern.source === 'builtin') return <BuiltinPattern document={document} />;
  const initial = id && document ? draftOf(document.spec) : document ? copyOf(document.spec) : emptyDraft();
  return (
    <Page title={id ? `Edit ${title}` : title}>
      <PatternEditor key={id ?? `new-${from ?? ''}`} initial={initial} isNew={!id} saved={saved} />
    </Page>
  );
}
