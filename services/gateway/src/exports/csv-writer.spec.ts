import { csvDocument, csvField } from './csv-writer';

describe('csv writer (RFC 4180)', () => {
  it.each<[string | number | null, string]>([
    ['plain', 'plain'],
    ['', ''],
    [null, ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf\r\n', '"cr\rlf\r\n"'],
    [' padded ', '" padded "'],
    ['naïve — 日本語 🙂', 'naïve — 日本語 🙂'],
    [42, '42'],
    [0.000_000_12, '0.00000012'],
    [1.5e-9, '0.0000000015'],
    [0.1 + 0.2, '0.30000000000000004'],
  ])('%j → %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('writes a header and rows, each record ending in CRLF', () => {
    expect(
      csvDocument(
        ['a', 'b'],
        [
          ['x', 1],
          ['y,z', null],
        ],
      ),
    ).toBe('a,b\r\nx,1\r\n"y,z",\r\n');
  });
});
