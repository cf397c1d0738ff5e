import { InvalidArgumentError } from 'commander';
import { analyzeBody, parseList, parseParam, parsePositiveInt } from './options.js';

describe('option parsers', () => {
  it('splits comma lists, trims them and adds repeated flags up', () => {
    expect(parseList(' mock:alpha, mock:beta ,')).toEqual(['mock:alpha', 'mock:beta']);
    expect(parseList('c', ['a', 'b'])).toEqual(['a', 'b', 'c']);
    expect(() => parseList(' , ')).toThrow(InvalidArgumentError);
  });

  it('collects numeric name=value parameters', () => {
    expect(parseParam('threshold=0.7', parseParam('layers=3'))).toEqual({ layers: 3, threshold: 0.7 });
    expect(() => parseParam('layers')).toThrow(InvalidArgumentError);
    expect(() => parseParam('layers=')).toThrow(InvalidArgumentError);
    expect(() => parseParam('layers=abc')).toThrow('parameter layers must be a number');
  });

  it('accepts positive integers only', () => {
    expect(parsePositiveInt('20')).toBe(20);
    for (const bad of ['0', '-1', '1.5', 'x']) expect(() => parsePositiveInt(bad)).toThrow(InvalidArgumentError);
  });

  it('builds the analyze body from what was given, and only that', () => {
    expect(analyzeBody('Why?', { models: ['a', 'b'] })).toEqual({ prompt: 'Why?', models: ['a', 'b'] });
    expect(
      analyzeBody('Why?', { models: ['a'], pattern: 'moa', ultra: 'a', param: { layers: 2 }, cache: false }, ['d1']),
    ).toEqual({
      prompt: 'Why?',
      models: ['a'],
      pattern: 'moa',
      ultraModel: 'a',
      params: { layers: 2 },
      cache: false,
      documentIds: ['d1'],
    });
    expect(analyzeBody('Why?', { models: ['a'], cache: true, param: {} })).toEqual({ prompt: 'Why?', models: ['a'] });
  });
});
