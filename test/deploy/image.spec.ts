import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { REPO_ROOT } from './support/compose-config-variables';
import { dockerignore, workspaceFolders } from './support/image-dockerignore';
import {
  type DockerStage,
  dockerStages,
  ENTRYPOINT,
  entrypointRoles,
  execForm,
  ROLES,
} from './support/image-entrypoint';

/**
 * The Dockerfile and its entry script, checked without a Docker engine: what each stage installs and copies, who
 * the image runs as, and that every role the entry script knows runs a file the build produces.
 */
const stages = dockerStages();
const [build, runtime] = stages;
const all = (stage: DockerStage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const one = (stage: DockerStage, keyword: string) => all(stage, keyword).at(-1) ?? '';
/** The runtime stage's COPY instructions as [source, destination] (from the context or `--from=build`). */
const copies = all(runtime, 'COPY').map((args) => {
  const words = args.split(' ').filter((w) => !w.startsWith('--'));
  return { from: /--from=(\S+)/.exec(args)?.[1], sources: words.slice(0, -1), destination: words.at(-1)! };
});
/** Whether the image has `path` (relative to WORKDIR /app): a COPY put it or a folder holding it there. */
const imageHas = (path: string) =>
  copies.some(({ destination }) => {
    const dest = destination.replace(/^\.\//, '').replace(/\/$/, '');
    return path === dest || path.startsWith(`${dest}/`);
  });

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage, both on node:24-slim', () => {
    expect(stages.map((s) => [s.name, s.base])).toEqual([
      ['build', 'node:24-slim'],
      ['runtime', 'node:24-slim'],
    ]);
  });

  it('builds with npm ci from the committed lockfile and runs npm run build', () => {
    const runs = all(build, 'RUN');
    expect(runs.some((r) => /^npm ci( |$)/.test(r) && !r.includes('--omit'))).toBe(true);
    expect(runs).toContain('npm run build');
    // Every workspace's manifest and the lockfile are in place before the install (npm ci needs them all).
    const copied = all(build, 'COPY').join(' ');
    for (const folder of workspaceFolders()) expect(copied).toContain(`${folder}/package.json`);
    expect(copied).toContain('package-lock.json');
  });

  it('installs production dependencies only in the runtime stage, without install scripts', () => {
    const install = all(runtime, 'RUN').find((r) => r.startsWith('npm ci'));
    expect(install).toMatch(/^npm ci .*--omit=dev/);
    // The `node` package's script would fetch a second Node binary; native modules come prebuilt (docs/deployment.md).
    for (const stage of stages) {
      for (const run of all(stage, 'RUN').filter((r) => r.startsWith('npm ci')))
        expect(run).toContain('--ignore-scripts');
    }
    for (const folder of workspaceFolders()) expect(imageHas(`${folder}/package.json`)).toBe(true);
  });

  it('runs as the unprivileged node user in /app, in production mode, stopped by SIGTERM', () => {
    expect(one(runtime, 'USER')).toBe('node');
    expect(one(runtime, 'WORKDIR')).toBe('/app');
    expect(all(runtime, 'ENV')).toContain('NODE_ENV=production');
    expect(one(runtime, 'STOPSIGNAL')).toBe('SIGTERM');
    expect(one(runtime, 'EXPOSE').split(' ').sort()).toEqual(['3000', '3001', '9464']);
    // One image, several roles: each gets its own probe where it runs (compose, Kubernetes), not one baked in.
    expect(all(runtime, 'HEALTHCHECK')).toEqual([]);
    // USER comes after every COPY and RUN, so the node user owns nothing it could rewrite.
    const order = runtime.instructions.map((i) => i.keyword);
    expect(order.lastIndexOf('COPY')).toBeLessThan(order.indexOf('USER'));
  });

  it('contains what every role runs and reads: build output, catalog, patterns, web UI, migrations runner', () => {
    const roles = entrypointRoles();
    for (const [role, script] of roles) expect({ role, inImage: imageHas(script) }).toEqual({ role, inImage: true });
    for (const path of [
      'config/models.json',
      'config/patterns',
      'apps/web/dist/index.html',
      'libs/platform/dist',
      'libs/contracts/dist',
    ]) {
      expect({ path, inImage: imageHas(path) }).toEqual({ path, inImage: true });
    }
    // The build output comes from the build stage, never from the context (which excludes dist).
    for (const { from, destination } of copies.filter((c) => c.destination.endsWith('/dist'))) {
      expect({ destination, from }).toEqual({ destination, from: 'build' });
    }
    expect(execForm(one(runtime, 'ENTRYPOINT'))).toEqual(['/bin/sh', '/app/deploy/docker/entrypoint.sh']);
    expect(imageHas('deploy/docker/entrypoint.sh')).toBe(true);
  });

  it('has a .dockerignore that keeps out dependencies, build output and secrets, and lets in what COPY needs', () => {
    const ignore = dockerignore();
    for (const path of [
      'node_modules/x',
      'services/gateway/node_modules/x',
      'services/gateway/dist/main.js',
      '.env',
      '.env.local',
      '.git/HEAD',
      '.data/pg/x',
      '.nx/cache',
    ]) {
      expect({ path, excluded: ignore.excludes(path) }).toEqual({ path, excluded: true });
    }
    const fromContext = copies.filter((c) => !c.from).flatMap((c) => c.sources);
    const needed = [
      ...fromContext,
      'libs/platform/src/index.ts',
      'services/gateway/src/main.ts',
      'apps/web/index.html',
      'tsconfig.base.json',
      'nx.json',
    ];
    for (const path of needed) expect({ path, excluded: ignore.excludes(path) }).toEqual({ path, excluded: false });
  });
});

describe('deploy/docker/entrypoint.sh', () => {
  const node24 = dirname(process.execPath);
  const run = (...args: string[]) =>
    spawnSync('sh', [ENTRYPOINT, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: `${node24}:${process.env.PATH ?? ''}` },
    });

  it('maps every role to a file that exists after npm run build', () => {
    const roles = entrypointRoles();
    expect([...roles.keys()].sort()).toEqual([...ROLES].sort());
    for (const [role, script] of roles) {
      expect({ role, exists: existsSync(resolve(REPO_ROOT, script)) }).toEqual({ role, exists: true });
    }
    // exec: the service is PID 1 and gets SIGTERM itself.
    expect(readFileSync(ENTRYPOINT, 'utf8')).toMatch(/^exec node "\$app_dir\/\$script" "\$@"$/m);
  });

  it('refuses an unknown or missing role with exit 64, naming every role', () => {
    for (const args of [['bogus'], []]) {
      const result = run(...args);
      expect({ args, status: result.status }).toEqual({ args, status: 64 });
      for (const role of ROLES) expect(result.stderr).toContain(role);
    }
    expect(run('bogus').stderr).toContain('unknown role: bogus');
  });

  it('runs the chosen program with the remaining arguments', () => {
    const result = run('admin', '--help');
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toContain('Manage Ultra administrators');
  });
});
