import { ApiError, CliError, ExitCode, NetworkError, exitCodeFor, exitCodeForStatus } from './exit-codes.js';

describe('exit codes', () => {
  it.each([
    [400, ExitCode.Usage],
    [409, ExitCode.Usage],
    [413, ExitCode.Usage],
    [422, ExitCode.Usage],
    [401, ExitCode.Auth],
    [403, ExitCode.Auth],
    [404, ExitCode.NotFound],
    [500, ExitCode.Server],
    [502, ExitCode.Server],
    [503, ExitCode.Server],
  ])('HTTP %i → %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
    expect(exitCodeFor(new ApiError(status, 'x', 'x'))).toBe(code);
  });

  it('maps a network failure to 5 and names the URL', () => {
    const error = new NetworkError('http://127.0.0.1:9', 'ECONNREFUSED');
    expect(exitCodeFor(error)).toBe(ExitCode.Server);
    expect(error.message).toContain('http://127.0.0.1:9');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('keeps the code of a CliError and reports anything else as 5', () => {
    expect(exitCodeFor(new CliError('failed', ExitCode.AnalysisFailed))).toBe(1);
    expect(exitCodeFor(new CliError('^C', ExitCode.Interrupted))).toBe(130);
    expect(exitCodeFor(new Error('boom'))).toBe(ExitCode.Server);
  });
});
