import { decodeCursor, encodeCursor } from './page-cursor';

describe('page cursor', () => {
  const position = { createdAt: new Date('2030-05-06T07:08:09.123Z'), id: '3f1c2b4a-5d6e-4f70-8a91-b2c3d4e5f601' };

  it('round-trips a position', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('is base64url of the [createdAt, id] pair', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).toEqual([
      '2030-05-06T07:08:09.123Z',
      position.id,
    ]);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['not a pair', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad date', Buffer.from(JSON.stringify(['yesterday', position.id])).toString('base64url')],
    ['a bad id', Buffer.from(JSON.stringify([position.createdAt.toISOString(), '42'])).toString('base64url')],
    [
      'extra items',
      Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id, 1])).toString('base64url'),
    ],
  ])('rejects a cursor that is %s', (_, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
