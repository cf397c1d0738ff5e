import { UnrecoverableError } from 'bullmq';
import { QueryFailedError } from 'typeorm';
import { causeOf, isDatabaseUnavailable, isDataError, isUnrecoverable, UnknownAnalysisError } from './job-failures';

/** An error as TypeORM reports a failed statement, with the pg driver's error (and its SQLSTATE) inside. */
function queryFailed(code: string, message = 'query failed'): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code }));
}

describe('job failures', () => {
  it.each([
    ['invalid json (22P02)', queryFailed('22P02'), true],
    ['integer out of range (22003)', queryFailed('22003'), true],
    ['untranslatable character (22P05)', queryFailed('22P05'), true],
    ['foreign key violation (23503)', queryFailed('23503'), true],
    ['check violation (23514)', queryFailed('23514'), true],
    ['serialization failure (40001)', queryFailed('40001'), false],
    ['admin shutdown (57P01)', queryFailed('57P01'), false],
    ['a plain error', new Error('records pending'), false],
  ])('%s is a data error: %s', (_, error, expected) => {
    expect(isDataError(error)).toBe(expected);
  });

  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['admin shutdown', queryFailed('57P01', 'terminating connection due to administrator command')],
    ['cannot connect now', queryFailed('57P03', 'the database system is starting up')],
    ['a connection exception', queryFailed('08006')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ])('%s means the database is unavailable', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a data error', queryFailed('22P02')],
    ['records still pending', new Error('records pending: 1 of 2 outputs')],
  ])('%s does not mean the database is unavailable', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('tells unrecoverable errors, the unknown analysis among them, from the rest', () => {
    expect(isUnrecoverable(new UnrecoverableError('bad data'))).toBe(true);
    expect(isUnrecoverable(new UnknownAnalysisError('a1'))).toBe(true);
    expect(new UnknownAnalysisError('a1').message).toBe('analysis a1 does not exist');
    expect(isUnrecoverable(new Error('records pending'))).toBe(false);
  });

  it('bounds a long cause', () => {
    expect(causeOf(new Error('x'.repeat(600)))).toBe(`${'x'.repeat(500)}…`);
    expect(causeOf('plain')).toBe('plain');
  });
});
