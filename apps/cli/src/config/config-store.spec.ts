import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, readCliEnv, resolveSettings } from './config-store.js';

describe('config store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ultra-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes config.json readable by the user only, in a directory only the user can enter', async () => {
    const store = new ConfigStore(join(dir, 'ultra'));
    await store.write({ url: 'http://x:1', token: 'a', refreshToken: 'r' });
    expect((await stat(join(dir, 'ultra'))).mode & 0o777).toBe(0o700);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({
      url: 'http://x:1',
      token: 'a',
      refreshToken: 'r',
    });
    await store.update({ token: 'b' });
    expect(await store.read()).toEqual({ url: 'http://x:1', token: 'b', refreshToken: 'r' });
  });

  it('reads a missing file as empty and refuses a corrupt one with a usage error', async () => {
    const store = new ConfigStore(dir);
    expect(await store.read()).toEqual({});
    await writeFile(store.path, '{not json');
    await expect(store.read()).rejects.toMatchObject({ exitCode: 2 });
  });

  it('finds the directory from XDG_CONFIG_HOME, else HOME/.config', () => {
    expect(readCliEnv({ XDG_CONFIG_HOME: '/x' }).configDir).toBe('/x/ultra');
    expect(readCliEnv({ HOME: '/home/me' }).configDir).toBe('/home/me/.config/ultra');
    expect(readCliEnv({ HOME: '/home/me', ULTRA_URL: ' ', ULTRA_TOKEN: '' })).toMatchObject({
      url: undefined,
      token: undefined,
    });
  });

  it('lets ULTRA_URL and ULTRA_TOKEN override the stored values; the URL defaults to localhost:3000', () => {
    const stored = { url: 'http://stored:1/', token: 'stored', refreshToken: 'r' };
    expect(resolveSettings({ configDir: dir }, stored)).toEqual({
      url: 'http://stored:1',
      token: 'stored',
      refreshToken: 'r',
      tokenFromEnv: false,
    });
    expect(resolveSettings({ configDir: dir, url: 'http://env:2', token: 'env' }, stored)).toEqual({
      url: 'http://env:2',
      token: 'env',
      tokenFromEnv: true,
    });
    expect(resolveSettings({ configDir: dir }, {}).url).toBe('http://localhost:3000');
  });
});
