import { renderMarkdown, table } from './terminal-text.js';

describe('terminal rendering', () => {
  it('renders Markdown, inline styles inside list items included, without escape codes off a terminal', () => {
    const text = renderMarkdown('# Answer\n\nThe sky is **blue**.\n\n- **Rayleigh** scattering\n- `short` waves\n', 80);
    expect(text).toBe('# Answer\n\nThe sky is blue.\n\n  * Rayleigh scattering\n  * short waves');
  });

  it('wraps long paragraphs to the width, at least 40 columns', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    for (const line of renderMarkdown(words, 20).split('\n')) expect(line.length).toBeLessThanOrEqual(40);
  });

  it('aligns table columns', () => {
    expect(
      table(
        ['ID', 'STATUS'],
        [
          ['a-long-id', 'ok'],
          ['b', 'failed'],
        ],
      ),
    ).toBe('ID         STATUS\na-long-id  ok\nb          failed');
  });
});
