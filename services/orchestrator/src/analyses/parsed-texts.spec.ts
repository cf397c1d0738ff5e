import { z } from 'zod';
import { ParsedTexts } from './parsed-texts';

describe('ParsedTexts', () => {
  const schema = z.object({ n: z.number() });

  it('parses a text once and hands back the same object after', () => {
    const texts = new ParsedTexts(schema, 10);
    const first = texts.parse('{"n":1}');
    expect(first).toEqual({ n: 1 });
    expect(texts.parse('{"n":1}')).toBe(first);
  });

  it('still refuses text that breaks the schema, and remembers nothing of it', () => {
    const texts = new ParsedTexts(schema, 10);
    expect(() => texts.parse('{"n":"x"}')).toThrow();
    expect(texts.size).toBe(0);
  });

  it('forgets the oldest text beyond its capacity', () => {
    const texts = new ParsedTexts(schema, 2);
    const one = texts.parse('{"n":1}');
    texts.parse('{"n":2}');
    texts.parse('{"n":3}');
    expect(texts.size).toBe(2);
    expect(texts.parse('{"n":1}')).not.toBe(one);
  });
});
