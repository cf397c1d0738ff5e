import { z } from 'zod';

/** Position after the last row of a page, in the listing's order (created_at DESC, id DESC). */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

const cursorPair = z.tuple([z.iso.datetime(), z.uuid()]);

/** Opaque to clients: base64url of the JSON pair [createdAt ISO, id]. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

/** The cursor's position, or null when it is not one this service made. */
export function decodeCursor(value: string): PageCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = cursorPair.safeParse(json);
  if (!parsed.success) return null;
  const [createdAt, id] = parsed.data;
  return { createdAt: new Date(createdAt), id };
}
