import { looksLikeMarkdown, sniffContent } from './document-content';

describe('sniffContent', () => {
  it.each([
    ['a PDF header', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'pdf'],
    ['a PDF header after a short preamble', Buffer.concat([Buffer.from('\r\n\r\n'), Buffer.from('%PDF-1.4')]), 'pdf'],
    ['UTF-8 text', Buffer.from('Grüße, 世界 🌍\nline two\ttabbed\r\n'), 'text'],
    ['an empty file', Buffer.alloc(0), 'text'],
    ['Latin-1 bytes', Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65]), 'unsupported'],
    ['a NUL byte', Buffer.from('text\u0000more'), 'unsupported'],
    ['a PNG header', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'unsupported'],
    ['an escape character', Buffer.from('ok\u001b[31mred'), 'unsupported'],
  ])('%s is %s', (_, bytes, kind) => {
    expect(sniffContent(bytes).kind).toBe(kind);
  });

  it('drops a byte order mark and names the control character that makes a file binary', () => {
    expect(sniffContent(Buffer.from('\uFEFFhello'))).toEqual({ kind: 'text', text: 'hello' });
    expect(sniffContent(Buffer.from('ab\u0002'))).toEqual({
      kind: 'unsupported',
      reason: 'it holds binary data (control character U+0002 at character 2)',
    });
  });
});

describe('looksLikeMarkdown', () => {
  it.each([
    ['# Title\n\nText.', true],
    ['Intro\n\n### Section\nbody', true],
    ['Code:\n\n```ts\nconst a = 1;\n```', true],
    ['- one\n- two', true],
    ['1. first\n2) second', true],
    ['See [the docs](https://example.com) and [more](https://example.org).', true],
    ['> quoted\n> again', true],
    ['- just one dash line in a letter', false],
    ['Plain prose. Nothing more: #hashtag, a-b, 3.5 items.', false],
    ['#nospace heading', false],
    ['', false],
  ])('%j → %s', (text, markdown) => {
    expect(looksLikeMarkdown(text)).toBe(markdown);
  });
});
