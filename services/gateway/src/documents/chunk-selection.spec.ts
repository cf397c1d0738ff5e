import { type CandidateDocument, GAP, selectDocumentText } from './chunk-selection';
import type { DocumentChunk } from './document-chunker';

const chunk = (index: number, text: string, tokens = 100): DocumentChunk => ({ index, text, tokens });
const doc = (id: string, chunks: DocumentChunk[]): CandidateDocument => ({
  id,
  name: `${id}.txt`,
  type: 'text',
  chunks,
});
const filler = (i: number) => `Paragraph ${i} is about the weather in the valley and the price of bread.`;
const ids = ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2'];

describe('selectDocumentText', () => {
  it('within the budget shows every chunk of every document, unranked and not truncated', () => {
    const docs = [doc(ids[0], [chunk(0, 'one', 1), chunk(1, 'two', 1)]), doc(ids[1], [chunk(0, 'three', 2)])];
    expect(selectDocumentText(docs, 'anything', 4)).toEqual([
      {
        id: ids[0],
        name: `${ids[0]}.txt`,
        type: 'text',
        text: 'one\n\ntwo',
        truncated: false,
        chunks: [
          { index: 0, tokens: 1 },
          { index: 1, tokens: 1 },
        ],
      },
      {
        id: ids[1],
        name: `${ids[1]}.txt`,
        type: 'text',
        text: 'three',
        truncated: false,
        chunks: [{ index: 0, tokens: 2 }],
      },
    ]);
  });

  it('over the budget keeps the chunks most relevant to the question, in document order, marking the gaps', () => {
    const chunks = Array.from({ length: 20 }, (_, i) => chunk(i, filler(i)));
    chunks[13] = chunk(13, 'Zebras migrate across the Serengeti every year, following the rains.');
    chunks[4] = chunk(4, 'A zebra was seen in the valley once.');
    const [selected] = selectDocumentText([doc(ids[0], chunks)], 'Why do zebras migrate?', 250);
    expect(selected.truncated).toBe(true);
    // Two chunks fit: the two that mention zebras, the better match scored higher, shown in document order.
    expect(selected.chunks.map((c) => c.index)).toEqual([4, 13]);
    const [four, thirteen] = selected.chunks;
    expect(thirteen.score).toBeGreaterThan(four.score ?? 0);
    expect(four.score).toBeGreaterThan(0);
    expect(selected.text).toBe(`${chunks[4].text}${GAP}${chunks[13].text}`);
  });

  it('fills the budget left after the matching chunks with each document’s first chunks, score 0', () => {
    const a = doc(ids[0], [chunk(0, 'alpha intro'), chunk(1, 'alpha body'), chunk(2, 'the comet returns')]);
    const b = doc(ids[1], [chunk(0, 'beta intro'), chunk(1, 'beta body')]);
    const [first, second] = selectDocumentText([a, b], 'When does the comet return?', 300);
    expect(first.chunks).toEqual([
      { index: 0, tokens: 100, score: 0 },
      { index: 2, tokens: 100, score: expect.any(Number) },
    ]);
    expect(first.chunks[1].score).toBeGreaterThan(0);
    expect(first.text).toBe(`alpha intro${GAP}the comet returns`);
    expect(second.chunks).toEqual([{ index: 0, tokens: 100, score: 0 }]);
    expect([first.truncated, second.truncated]).toEqual([true, true]);
  });

  it('ignores stop words, so a question of common words alone ranks nothing', () => {
    const chunks = [chunk(0, 'the first'), chunk(1, 'what is it'), chunk(2, 'the third')];
    const [selected] = selectDocumentText([doc(ids[0], chunks)], 'What is the?', 200);
    expect(selected.chunks).toEqual([
      { index: 0, tokens: 100, score: 0 },
      { index: 1, tokens: 100, score: 0 },
    ]);
    expect(selected.text).toBe('the first\n\nwhat is it');
  });
});
