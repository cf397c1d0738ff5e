import { decodeCursor, encodeCursor, pageOf } from './audit-cursor';

const row = (ms: number, id: string) => ({ createdAt: new Date(ms), id });

describe('audit paging cursors', () => {
  it('decode to the row they were made from', () => {
    const last = row(1_764_000_000_123, '0b9e6c1e-3f0a-4d55-9a5e-2b7f0c1d2e3f');
    expect(decodeCursor(encodeCursor(last))).toEqual(last);
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  it.each(['nonsense', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["x","y"]').toString('base64url')])(
    'refuse %s with validation_failed',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    },
  );

  it('give a next cursor only when a row beyond the page was fetched', () => {
    const rows = [row(3, 'c'), row(2, 'b'), row(1, 'a')].map((r) => ({ ...r, id: r.id.padEnd(36, '0') }));
    expect(pageOf(rows, 3)).toEqual({ items: rows, nextCursor: null });
    const page = pageOf(rows, 2);
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(decodeCursor(page.nextCursor ?? undefined)).toEqual(rows[1]);
  });
});
