import type { z } from 'zod';

/**
 * JSON texts parsed and validated against a schema, remembered by the text itself: reading the same stored text
 * again costs a map lookup. Bounded: the oldest entries go first.
 */
export class ParsedTexts<S extends z.ZodType> {
  private readonly parsed = new Map<string, z.infer<S>>();

  constructor(
    private readonly schema: S,
    private readonly capacity: number,
  ) {}

  parse(text: string): z.infer<S> {
    const known = this.parsed.get(text);
    if (known !== undefined) return known;
    const value = this.schema.parse(JSON.parse(text));
    if (this.parsed.size >= this.capacity) this.parsed.delete(this.parsed.keys().next().value as string);
    this.parsed.set(text, value);
    return value;
  }

  get size(): number {
    return this.parsed.size;
  }
}
