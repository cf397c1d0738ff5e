/** The exit codes of `ultra`, documented in `ultra --help` and the README. */
export const ExitCode = {
  Ok: 0,
  AnalysisFailed: 1,
  Usage: 2,
  Auth: 3,
  NotFound: 4,
  Server: 5,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const exitCodeHelp = `Exit codes:
  0    ok
  1    the analysis failed (or was cancelled)
  2    usage error: bad arguments, or the API refused the request as invalid (400, 409, 413, 422)
  3    authentication error (401/403): run \`ultra login\` or set ULTRA_TOKEN
  4    not found (404): no such analysis, pattern or document, or not yours
  5    server or network error (5xx, unreachable URL)
  130  interrupted (Ctrl-C); a running analysis keeps running`;

/** An error the CLI reports in one line and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** An answer of the API outside 2xx, with its `{error:{code,message}}` when it had one. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message, exitCodeForStatus(status));
  }
}

/** The API could not be reached at all; the message names the URL. */
export class NetworkError extends CliError {
  constructor(
    readonly url: string,
    cause: string,
  ) {
    super(`cannot reach Ultra at ${url} (${cause}); is it running? Set ULTRA_URL to point elsewhere.`, ExitCode.Server);
  }
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return ExitCode.Auth;
  if (status === 404) return ExitCode.NotFound;
  if (status >= 400 && status < 500) return ExitCode.Usage;
  return ExitCode.Server;
}

/** Any thrown value → the code to exit with; unknown errors are bugs or I/O failures, reported as 5. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  return ExitCode.Server;
}
