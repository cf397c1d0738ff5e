import { ValidationFailedException } from '@ultra/platform';

/** A page boundary of a listing ordered by (created_at DESC, id DESC): the last row's two keys. */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: PageCursor): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): PageCursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [at, id] = parsed as unknown[];
      const createdAt = typeof at === 'string' ? new Date(at) : new Date(Number.NaN);
      if (!Number.isNaN(createdAt.getTime()) && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) {
        return { createdAt, id };
      }
    }
  } catch {
    // fall through: not one of ours
  }
  throw new ValidationFailedException('cursor is not one this API made', [
    { path: 'cursor', message: 'pass nextCursor of the previous page as it is' },
  ]);
}

/** The page of `limit` rows out of `limit + 1` fetched, and the cursor to the next one when there are more. */
export function pageOf<T extends PageCursor>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
