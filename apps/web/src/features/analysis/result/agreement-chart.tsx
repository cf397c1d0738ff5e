import { useId } from 'react';
import { type AgreementData, LEVEL_TEXT } from './pattern-data';
import { UnparsedNotes } from './unparsed-notes';

/**
 * How many reviewers stand behind each claim, strongest first. The bar is SVG sized by attributes (the CSP allows
 * no inline styles) and hidden from screen readers, which read the same figure as text beside it.
 */
export function AgreementChart({ title, data }: { title: string; data: AgreementData }) {
  const headingId = useId();
  const reviewers = Math.max(data.reviewers, 1);
  return (
    <section className="result-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <p className="hint">
        Claims across {data.reviewers} {data.reviewers === 1 ? 'review' : 'reviews'}, strongest agreement first.
      </p>
      {data.points.length === 0 ? (
        <p>No review could be read, so there are no points of agreement.</p>
      ) : (
        <ol className="agreement-list">
          {data.points.map((point, i) => {
            const share = Math.min(point.models.length / reviewers, 1);
            return (
              <li key={`${i}-${point.claim}`} className={`agreement-point level-${point.level}`}>
                <p className="agreement-claim">{point.claim}</p>
                <svg className="agreement-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                  <rect className="bar-track" x="0" y="0" width="100" height="10" rx="2" />
                  <rect className="bar-fill" x="0" y="0" width={share * 100} height="10" rx="2" />
                </svg>
                <p className="hint">
                  {LEVEL_TEXT[point.level]} agreement: {point.models.length} of {data.reviewers} models (
                  {point.models.map((m) => `${m} ${point.confidence[m] ?? ''}`.trim()).join(', ')})
                </p>
              </li>
            );
          })}
        </ol>
      )}
      <UnparsedNotes unparsed={data.unparsed} what="reviews" />
    </section>
  );
}
