import type { AnalysisView } from '@ultra/contracts';
import { useId, useState } from 'react';
import { Button } from '../../../components/ui';
import { Markdown } from './markdown';

/** The final answer as Markdown with "Copy answer", or why there is none. */
export function AnswerSection({ analysis }: { analysis: AnalysisView }) {
  const headingId = useId();
  const [copyStatus, setCopyStatus] = useState('');
  const result = analysis.result;

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopyStatus('Answer copied.');
    } catch {
      setCopyStatus('Could not copy: the browser refused access to the clipboard.');
    }
  }

  return (
    <section className="result-section answer" aria-labelledby={headingId}>
      <h2 id={headingId}>{result ? 'Answer' : 'No answer'}</h2>
      {analysis.error && (
        <div role="alert" className="error-banner">
          <p>
            The analysis failed: {analysis.error.message} <code>{analysis.error.code}</code>
          </p>
        </div>
      )}
      {result ? (
        <>
          <p className="hint">
            By {result.model}, stage {result.stage}
            {result.finishReason && result.finishReason !== 'stop' && ` (stopped: ${result.finishReason})`}
          </p>
          <Markdown text={result.text} className="answer-text" />
          <div className="button-row">
            <Button variant="secondary" onClick={() => void copy(result.text)}>
              Copy answer
            </Button>
          </div>
        </>
      ) : (
        !analysis.error && <p>This analysis ended without a final answer.</p>
      )}
      <p role="status" aria-live="polite" className="hint">
        {copyStatus}
      </p>
    </section>
  );
}
