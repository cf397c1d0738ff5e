import { CHUNK_MAX_TOKENS, chunkText } from './document-chunker';

const words = (n: number, word = 'word') => Array.from({ length: n }, () => word).join(' ');

describe('chunkText', () => {
  it('packs whole paragraphs in order into chunks of at most CHUNK_MAX_TOKENS, numbered from 0', () => {
    // Each paragraph is 150 tokens (600 characters): two fit in a chunk, a third does not.
    const paragraph = (i: number) => `p${i} ${'x'.repeat(596)}`;
    const text = [0, 1, 2, 3, 4].map(paragraph).join('\n\n');
    const chunks = chunkText(text);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(chunks.map((c) => c.text.split('\n\n').map((p) => p.slice(0, 2)))).toEqual([
      ['p0', 'p1'],
      ['p2', 'p3'],
      ['p4'],
    ]);
    expect(chunks.map((c) => c.tokens)).toEqual([300, 300, 150]);
  });

  it('cuts a paragraph longer than a chunk at spaces, losing no word', () => {
    const text = words(2_000);
    const chunks = chunkText(text);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(CHUNK_MAX_TOKENS);
    expect(chunks.map((c) => c.text).join(' ')).toBe(text);
  });

  it('cuts at sentence ends where there are some', () => {
    const sentence = `${words(30, 'tide')}.`;
    const chunks = chunkText(Array.from({ length: 40 }, () => sentence).join(' '));
    for (const chunk of chunks) expect(chunk.text.endsWith('.')).toBe(true);
  });

  it('treats blank lines with spaces or CRLF as paragraph breaks and gives whitespace no chunk', () => {
    expect(chunkText('one\r\n  \r\ntwo').map((c) => c.text)).toEqual(['one\n\ntwo']);
    expect(chunkText(' \n\n\t\n')).toEqual([]);
  });
});
