import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, ExitCode } from '../exit-codes.js';

/** What the CLI takes from the environment; read here once so nothing else touches process.env. */
export interface CliEnv {
  /** ULTRA_URL: overrides the URL stored by `ultra login`. */
  url?: string;
  /** ULTRA_TOKEN: an access token that overrides the stored one. */
  token?: string;
  /** The directory holding config.json: $XDG_CONFIG_HOME/ultra, else ~/.config/ultra. */
  configDir: string;
}

export const DEFAULT_URL = 'http://localhost:3000';

export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const nonEmpty = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : undefined);
  const base = nonEmpty(env.XDG_CONFIG_HOME) ?? join(nonEmpty(env.HOME) ?? homedir(), '.config');
  return { url: nonEmpty(env.ULTRA_URL), token: nonEmpty(env.ULTRA_TOKEN), configDir: join(base, 'ultra') };
}

/** What `ultra login` stores: where the API is and the user's token pair. */
export interface StoredConfig {
  url?: string;
  token?: string;
  refreshToken?: string;
}

/** Where requests go and with which token; `fromEnv` says the token came from ULTRA_TOKEN (nothing to refresh). */
export interface Settings {
  url: string;
  token?: string;
  refreshToken?: string;
  tokenFromEnv: boolean;
}

/** The user's config file, readable by the user only (0600 in a 0700 directory): it holds bearer tokens. */
export class ConfigStore {
  readonly path: string;

  constructor(private readonly dir: string) {
    this.path = join(dir, 'config.json');
  }

  async read(): Promise<StoredConfig> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      const { url, token, refreshToken } = parsed as Record<string, unknown>;
      return {
        url: typeof url === 'string' ? url : undefined,
        token: typeof token === 'string' ? token : undefined,
        refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
      };
    } catch (error) {
      throw new CliError(
        `${this.path} is not valid JSON (${(error as Error).message}); delete it and run \`ultra login\` again.`,
        ExitCode.Usage,
      );
    }
  }

  /** Written to a temporary file first, so a crash never leaves half a config (or a token readable by others). */
  async write(config: StoredConfig): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
  }

  async update(change: Partial<StoredConfig>): Promise<void> {
    await this.write({ ...(await this.read()), ...change });
  }
}

/** The environment wins over the stored config; the URL falls back to http://localhost:3000. */
export function resolveSettings(env: CliEnv, stored: StoredConfig): Settings {
  const url = (env.url ?? stored.url ?? DEFAULT_URL).replace(/\/+$/, '');
  if (env.token) return { url, token: env.token, tokenFromEnv: true };
  return { url, token: stored.token, refreshToken: stored.refreshToken, tokenFromEnv: false };
}
