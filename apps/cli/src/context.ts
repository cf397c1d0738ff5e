import { ApiClient } from './api-client.js';
import { type CliEnv, ConfigStore, type Settings, readCliEnv, resolveSettings } from './config/config-store.js';
import { CliError, ExitCode } from './exit-codes.js';

/** The process' streams, passed in so tests can run commands without a terminal. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** What every command needs: settings, the config file, an API client, and where to write. */
export class CliContext {
  readonly store: ConfigStore;

  constructor(
    readonly io: Io,
    readonly env: CliEnv = readCliEnv(),
  ) {
    this.store = new ConfigStore(env.configDir);
  }

  async settings(): Promise<Settings> {
    return resolveSettings(this.env, await this.store.read());
  }

  /** A client with a token; without one, an auth error that says how to get one. */
  async client(): Promise<ApiClient> {
    const settings = await this.settings();
    if (!settings.token) {
      throw new CliError('not logged in: run `ultra login`, or set ULTRA_TOKEN', ExitCode.Auth);
    }
    return new ApiClient(settings, (tokens) => this.store.update(tokens));
  }

  print(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Human notes (hints, progress) go to stderr, so stdout holds only the answer or the JSON. */
  note(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  printJson(value: unknown): void {
    this.print(JSON.stringify(value, null, 2));
  }
}
