import { isValidText, validJson, validText } from './valid-text';

describe('validText', () => {
  it.each([
    ['plain', 'hello', 'hello', 0],
    ['emoji pairs stay', '😀😀', '😀😀', 0],
    ['lone high surrogate', 'a\ud800b', 'a\ufffdb', 1],
    ['lone low surrogate', '\udc00x', '\ufffdx', 1],
    ['high at the end (cut stream)', 'ok\ud83d', 'ok\ufffd', 1],
    ['NUL', 'a\u0000b\u0000', 'a\ufffdb\ufffd', 2],
    ['reversed pair', '\ude00\ud83d', '\ufffd\ufffd', 2],
  ])('%s', (_name, input, expected, repaired) => {
    expect(validText(input)).toEqual({ text: expected, repaired });
    expect(isValidText(input)).toBe(repaired === 0);
  });

  it('repairs every string of a JSON value, keys included, and keeps valid values as they are', () => {
    const valid = { a: ['x', 1, null, { b: 'y' }] };
    expect(validJson(valid).value).toBe(valid);
    expect(validJson({ ['k\ud800']: ['\u0000', 2, { z: '\udfff' }] })).toEqual({
      value: { 'k\ufffd': ['\ufffd', 2, { z: '\ufffd' }] },
      repaired: 3,
    });
  });
});
