import { contentWords, similarity } from './similarity';

describe('similarity', () => {
  it('compares content words, ignoring case, punctuation, order and stop words', () => {
    expect(similarity('Redis keeps its data in memory.', 'In memory, REDIS keeps the data!')).toBe(1);
    expect([...contentWords("Don't cache what you can't invalidate")]).toEqual(['dont', 'cache', 'cant', 'invalidate']);
  });

  it('is the Jaccard index of the two word sets', () => {
    // {cats, chase, mice} and {cats, chase, birds}: 2 shared of 4.
    expect(similarity('Cats chase mice', 'cats chase birds')).toBe(0.5);
    expect(similarity('queues decouple services', 'tides follow the moon')).toBe(0);
    // "an" is a stop word: {alpha, beta, gamma} and {alpha, beta, delta, epsilon}, 2 shared of 5.
    expect(similarity('an alpha beta gamma', 'alpha beta delta epsilon')).toBe(2 / 5);
  });

  it('treats two texts without content words as the same, and one empty text as unlike any other', () => {
    expect(similarity('', 'the of and')).toBe(1);
    expect(similarity('', 'Redis is fast')).toBe(0);
  });

  it('keeps letters and digits of any script', () => {
    expect(similarity('Größe 42 über alles', 'größe 42')).toBe(2 / 4);
  });
});
