import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { ZodType } from 'zod';
import { REPO_ROOT, type Role, schemasByRole, variablesByRole } from './support/compose-config-variables';
import {
  commandOf,
  durationSeconds,
  environmentOf,
  interpolate,
  MissingVariableError,
  readCompose,
} from './support/compose-file';
import { entrypointRoles } from './support/image-entrypoint';

/**
 * docker-compose.yml, checked without a Docker engine: the services and their order of start, what each runs and
 * with which variables, the probes (run for real against a stand-in server), and the secrets compose insists on.
 */
const compose = readCompose('docker-compose.yml');
const { services } = compose;
const KEK = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const SECRETS = { JWT_SECRET: 'j'.repeat(48), KEY_ENCRYPTION_KEYS: KEK, POSTGRES_PASSWORD: 'pw' };
const ULTRA: Role[] = ['migrate', 'results', 'gateway', 'orchestrator', 'provider-worker'];
const LONG_RUNNING = ULTRA.filter((role) => role !== 'migrate');
const envOf = (name: string) => environmentOf(services[name], SECRETS);
const dependsOn = (name: string) => services[name].depends_on as Record<string, { condition: string }>;

describe('docker-compose.yml', () => {
  it('runs Redis, Postgres, the migrations and the four services, each Ultra one from the same image', () => {
    expect(Object.keys(services).sort()).toEqual([...ULTRA, 'postgres', 'redis'].sort());
    const roles = entrypointRoles();
    for (const name of ULTRA) {
      const service = services[name];
      expect({ name, image: service.image, build: service.build }).toEqual({
        name,
        image: '${ULTRA_IMAGE:-ultra:local}',
        build: { context: '.' },
      });
      // The command is a role of the image's entry script, and the file it runs is in the build output.
      const [role] = commandOf(service);
      expect(role).toBe(name);
      const script = roles.get(role);
      expect({ role, script }).toEqual({ role, script: expect.any(String) });
      expect({ role, exists: existsSync(resolve(REPO_ROOT, script!)) }).toEqual({ role, exists: true });
      expect(service.read_only).toBe(true);
      // .env is optional: compose starts without one when the variables come from the shell.
      expect(service.env_file).toEqual([{ path: '.env', required: false }]);
    }
  });

  it('keeps Redis as a database: append-only file, no eviction, a volume and a ping healthcheck', () => {
    const redis = services.redis;
    expect(redis.image).toMatch(/^redis:7(\.|$)/);
    const args = commandOf(redis).join(' ');
    expect(args).toContain('--appendonly yes');
    expect(args).toContain('--maxmemory-policy noeviction');
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(compose.volumes).toHaveProperty('redis-data');
  });

  it('keeps Postgres on a named volume, checked with pg_isready', () => {
    const postgres = services.postgres;
    expect(postgres.image).toMatch(/^postgres:1[67](\.|$)/);
    expect(postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(compose.volumes).toHaveProperty('postgres-data');
    expect(postgres.healthcheck?.test).toEqual(expect.arrayContaining(['CMD', 'pg_isready']));
  });

  it('starts each service only once what it needs is there: migrations done, Redis, Postgres and results healthy', () => {
    expect(dependsOn('migrate')).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.migrate.restart).toBe('no');
    for (const name of LONG_RUNNING) {
      expect({ name, deps: dependsOn(name) }).toMatchObject({
        name,
        deps: { migrate: { condition: 'service_completed_successfully' }, redis: { condition: 'service_healthy' } },
      });
      // Whoever talks to Postgres waits for it.
      if ('DATABASE_URL' in envOf(name)) expect(dependsOn(name).postgres).toEqual({ condition: 'service_healthy' });
    }
    expect(dependsOn('gateway').results).toEqual({ condition: 'service_healthy' });
    // A service_healthy dependency needs a healthcheck to ever become healthy.
    for (const name of Object.keys(services)) {
      for (const [target, { condition }] of Object.entries(dependsOn(name) ?? {})) {
        expect(['service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy')
          expect({ name, target, probe: !!services[target].healthcheck }).toEqual({ name, target, probe: true });
        else expect(services[target].restart).toBe('no');
      }
    }
  });

  it('runs two provider-workers, each with its ops port for metrics and health', () => {
    expect(services['provider-worker'].deploy?.replicas).toBe(2);
    expect(envOf('provider-worker').METRICS_PORT).toBe('9464');
    expect(envOf('orchestrator').METRICS_PORT).toBe('9464');
  });

  it('sets only variables the service reads, production mode, and container addresses (never loopback)', async () => {
    const known = await variablesByRole();
    const schemas = await schemasByRole();
    for (const name of ULTRA) {
      const env = envOf(name);
      const unknown = Object.keys(env).filter((variable) => !known[name].has(variable));
      expect({ name, unknown }).toEqual({ name, unknown: [] });
      // …and each value is one the service accepts.
      for (const [variable, value] of Object.entries(env)) {
        for (const schema of schemas[name].filter((sch) => variable in sch.shape)) {
          const parsed = (schema.shape[variable] as ZodType).safeParse(value);
          expect({ name, variable, issues: parsed.error?.issues ?? [] }).toEqual({ name, variable, issues: [] });
        }
      }
      expect(env.NODE_ENV).toBe('production');
      for (const [variable, value] of Object.entries(env)) {
        expect({ name, variable, value }).not.toEqual({
          name,
          variable,
          value: expect.stringMatching(/127\.0\.0\.1|localhost/),
        });
      }
      if (env.REDIS_URL) expect(env.REDIS_URL).toBe('redis://redis:6379');
      if (env.DATABASE_URL) expect(env.DATABASE_URL).toBe('postgres://ultra:pw@postgres:5432/ultra');
    }
    expect(envOf('results')).toMatchObject({ RESULTS_HOST: '0.0.0.0', RESULTS_PORT: '3001' });
    expect(envOf('gateway').RESULTS_URL).toBe(`http://results:${envOf('results').RESULTS_PORT}`);
    expect(services.gateway.ports).toEqual([`\${GATEWAY_PUBLISH:-3000}:${envOf('gateway').PORT}`]);
    expect(environmentOf(services.postgres, SECRETS)).toMatchObject({ POSTGRES_USER: 'ultra', POSTGRES_DB: 'ultra' });
  });

  it('refuses to start without JWT_SECRET, KEY_ENCRYPTION_KEYS or POSTGRES_PASSWORD', () => {
    const everyValue = Object.values(services).flatMap((s) => Object.values(s.environment ?? {}).map(String));
    for (const secret of Object.keys(SECRETS)) {
      const without = { ...SECRETS, [secret]: '' };
      expect(() => everyValue.forEach((value) => interpolate(value, without))).toThrow(MissingVariableError);
      expect(() => everyValue.forEach((value) => interpolate(value, without))).toThrow(
        new RegExp(`^${secret}: set ${secret} in .env`),
      );
    }
    expect(envOf('gateway')).toMatchObject({ JWT_SECRET: SECRETS.JWT_SECRET, KEY_ENCRYPTION_KEYS: KEK });
    expect(envOf('provider-worker').KEY_ENCRYPTION_KEYS).toBe(KEK);
  });

  it('gives each service a stop grace period of its SHUTDOWN_TIMEOUT_MS plus 5 s, so a drain is never killed', () => {
    for (const name of LONG_RUNNING) {
      const timeoutMs = Number(envOf(name).SHUTDOWN_TIMEOUT_MS);
      expect({ name, timeoutMs: Number.isInteger(timeoutMs) }).toEqual({ name, timeoutMs: true });
      expect({ name, grace: durationSeconds(services[name].stop_grace_period!) }).toEqual({
        name,
        grace: timeoutMs / 1000 + 5,
      });
    }
  });

  describe('healthchecks (run with node, as in the image, against a stand-in server)', () => {
    let server: Server;
    let status = 200;
    const paths: string[] = [];
    beforeAll(async () => {
      server = createServer((request, response) => {
        paths.push(request.url ?? '');
        response.writeHead(status).end();
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    const probes: [string, string, string][] = [
      ['gateway', '/api/health/ready', 'PORT'],
      ['results', '/internal/health/ready', 'RESULTS_PORT'],
      ['orchestrator', '/health/ready', 'METRICS_PORT'],
      ['provider-worker', '/health/ready', 'METRICS_PORT'],
    ];
    it.each(probes)(
      '%s: probes %s on its own port; 0 when ready, 1 when not or unreachable',
      async (name, path, portVariable) => {
        const test = services[name].healthcheck!.test as string[];
        expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
        const script = test[3];
        const port = envOf(name)[portVariable];
        expect(script).toContain(`http://127.0.0.1:${port}${path}`);
        const { port: here } = server.address() as AddressInfo;
        const run = async (target: string) =>
          promisify(execFile)(process.execPath, ['-e', script.replace(`127.0.0.1:${port}`, target)], {
            timeout: 10_000,
          }).then(
            () => 0,
            (error: { code?: number }) => error.code ?? -1,
          );
        status = 200;
        expect(await run(`127.0.0.1:${here}`)).toBe(0);
        expect(paths.at(-1)).toBe(path);
        status = 503;
        expect(await run(`127.0.0.1:${here}`)).toBe(1);
        // Nothing listening: a refused connection is unhealthy too.
        expect(await run('127.0.0.1:1')).toBe(1);
      },
    );
  });

  describe('with the observability override (deploy/observability/compose.ultra.yml)', () => {
    const override = readCompose('deploy/observability/compose.ultra.yml').services;
    const standalone = readCompose('deploy/observability/docker-compose.yml').services;
    const MONITORING = ['prometheus', 'grafana', 'jaeger'];

    it('adds the monitoring stack of the standalone file, with the same images, and mounts files that exist', () => {
      expect(Object.keys(override).sort()).toEqual([...MONITORING, ...LONG_RUNNING].sort());
      for (const name of MONITORING)
        expect({ name, image: override[name].image }).toEqual({ name, image: standalone[name].image });
      // Compose resolves every file's paths from the first file's folder: the repository root.
      for (const volume of MONITORING.flatMap((name) => override[name].volumes ?? [])) {
        expect({ volume, exists: existsSync(resolve(REPO_ROOT, volume.split(':')[0])) }).toEqual({
          volume,
          exists: true,
        });
      }
      expect(override.prometheus.volumes).toEqual([
        './deploy/observability/prometheus.compose.yml:/etc/prometheus/prometheus.yml:ro',
        './deploy/observability/alerts.yml:/etc/prometheus/alerts.yml:ro',
      ]);
    });

    it('sends the traces of every service to Jaeger', async () => {
      const known = await variablesByRole();
      expect(override.jaeger.environment).toMatchObject({ COLLECTOR_OTLP_ENABLED: 'true' });
      for (const name of LONG_RUNNING) {
        expect({ name, env: override[name].environment }).toEqual({
          name,
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' },
        });
        expect(known[name].has('OTEL_EXPORTER_OTLP_ENDPOINT')).toBe(true);
      }
    });

    it('has Prometheus scrape every replica of the four services on the ports they listen on', () => {
      const config = parse(readFileSync(resolve(REPO_ROOT, 'deploy/observability/prometheus.compose.yml'), 'utf8')) as {
        rule_files: string[];
        scrape_configs: {
          metrics_path: string;
          dns_sd_configs: { names: string[]; type: string; port: number }[];
          relabel_configs: { source_labels: string[]; target_label: string }[];
        }[];
      };
      expect(config.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
      const [job] = config.scrape_configs;
      expect(job.metrics_path).toBe('/metrics');
      // The alerts and the dashboard group by `component`: the compose service's name.
      expect(job.relabel_configs).toEqual([{ source_labels: ['__meta_dns_name'], target_label: 'component' }]);
      const listens: Record<string, string> = {
        gateway: envOf('gateway').PORT,
        results: envOf('results').RESULTS_PORT,
        orchestrator: envOf('orchestrator').METRICS_PORT,
        'provider-worker': envOf('provider-worker').METRICS_PORT,
      };
      const scraped = Object.fromEntries(job.dns_sd_configs.flatMap((sd) => sd.names.map((n) => [n, String(sd.port)])));
      expect(scraped).toEqual(listens);
      expect(job.dns_sd_configs.every((sd) => sd.type === 'A')).toBe(true);
    });
  });
});
