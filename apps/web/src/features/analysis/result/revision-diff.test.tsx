import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, it } from 'vitest';
import { analysis, output, stage } from './result-fixtures';
import { RevisionDiff } from './revision-diff';

const confidence = analysis({
  pattern: 'confidence',
  stages: [
    stage('initial', 0, [output('mock:alpha', 'The sky is blue.'), output('mock:beta', 'Light scatters.')]),
    stage('meta', 1, [
      output('mock:alpha', '{"claims":[]}', { data: { claims: [] } }),
      output('mock:beta', '{"claims":[]}', { data: { claims: [] } }),
    ]),
    stage('hyper', 2, [output('mock:alpha', 'The sky is very blue.'), output('mock:beta', 'Blue light scatters.')]),
    stage('ultra', 3, [output('mock:alpha', 'Final.')]),
  ],
});

it("marks each model's inserted and deleted words between its first and revised answer", async () => {
  const { container } = render(<RevisionDiff analysis={confidence} />);
  expect(screen.getByRole('heading', { name: 'Revisions' })).toBeInTheDocument();
  expect(screen.getByText(/“Initial” against its answer in “Hyper”/)).toBeInTheDocument();
  const diff = () => container.querySelector('.word-diff')!;
  expect(diff().querySelector('ins')).toHaveTextContent('very');
  expect(diff().querySelector('del')).toBeNull();

  await userEvent.selectOptions(screen.getByLabelText('Model'), 'mock:beta');
  expect(screen.getByRole('heading', { name: 'mock:beta' })).toBeInTheDocument();
  expect(diff().querySelector('del')).toHaveTextContent('Light');
  expect([...diff().querySelectorAll('ins')].map((e) => e.textContent).join('')).toContain('Blue light');
});

it('shows nothing when the panel answered only once (no revision stage)', () => {
  const single = analysis({ stages: [stage('answer', 0, [output('mock:alpha', 'A'), output('mock:beta', 'B')])] });
  const { container } = render(<RevisionDiff analysis={single} />);
  expect(container).toBeEmptyDOMElement();
});
