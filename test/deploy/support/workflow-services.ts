import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Job, ROOT, type Service, type Workflow } from './workflow-model';

/** What test/support expects of the machine, read from its sources so a change there is seen here. */
export interface TestNeeds {
  /** TEST_DATABASE_ADMIN_URL's default (test/support/database.ts). */
  databaseUrl: string;
  /** TEST_REDIS_URL's default (test/support/redis.ts). */
  redisUrl: string;
  /** The browser the web UI tests launch (test/support/browser.ts). */
  chromium: string;
}

function sourceMatch(file: string, pattern: RegExp, what: string): string {
  const match = pattern.exec(readFileSync(join(ROOT, file), 'utf8'));
  if (!match) throw new Error(`${file}: cannot find ${what} (${pattern}); update test/deploy/support`);
  return match[1];
}

export function readTestNeeds(): TestNeeds {
  return {
    databaseUrl: sourceMatch(
      'test/support/database.ts',
      /TEST_DATABASE_ADMIN_URL \?\? '([^']+)'/,
      'the admin URL default',
    ),
    redisUrl: sourceMatch('test/support/redis.ts', /TEST_REDIS_URL \?\? '([^']+)'/, 'the Redis URL default'),
    chromium: sourceMatch('test/support/browser.ts', /CHROMIUM\s*=[^'\n]*'([^']+)'/, 'the Chromium path'),
  };
}

/** Programs the GitHub-hosted ubuntu-latest image has (actions/runner-images); any other a test runs is installed. */
const ON_RUNNER_IMAGE = new Set(
  ['bash', 'sh', 'ip', 'id', 'runuser', 'setpriv', 'git', 'ps', 'kill', 'tar', 'curl'].concat([
    'node',
    'npm',
    'npx',
    'docker',
    'kubectl',
  ]),
);

/** The programs test files under `dirs` start by name (spawn/execFile of a literal; a method such as lab.spawn is not a program), minus the runner's own. */
export function programsTestsRun(dirs: string[]): string[] {
  const found = new Set<string>();
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const text = readFileSync(full, 'utf8');
        for (const m of text.matchAll(/(?<![.\w])(?:spawn|spawnSync|execFile|execFileSync)\(\s*'([\w.-]+)'/g))
          found.add(m[1]);
      }
    }
  };
  for (const dir of dirs) walk(join(ROOT, dir));
  return [...found].filter((p) => !ON_RUNNER_IMAGE.has(p)).sort();
}

const hasHealthCheck = (service: Service) => /--health-cmd\b/.test(service.options ?? '');
const maps = (service: Service, hostPort: string, containerPort: number) =>
  (service.ports ?? []).map(String).includes(`${hostPort}:${containerPort}`);
const findService = (job: Job, image: RegExp) => Object.values(job.services ?? {}).find((s) => image.test(s.image));

/** The URL a job's tests use for `name`: the job's or workflow's env, else test/support's default. */
export function effectiveUrl(workflow: Workflow, jobId: string, name: string, fallback: string): URL {
  const env = { ...workflow.env, ...workflow.jobs[jobId]?.env };
  return new URL(env[name] ?? fallback);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

/** The job's Postgres service answers the tests' admin URL: port, user, and password or trust auth. */
export function postgresProblems(workflow: Workflow, jobId: string, needs: TestNeeds): string[] {
  const where = `${workflow.file} ${jobId}`;
  const url = effectiveUrl(workflow, jobId, 'TEST_DATABASE_ADMIN_URL', needs.databaseUrl);
  const service = findService(workflow.jobs[jobId], /^postgres(:|$)/);
  if (!service) return [`${where}: no postgres service for ${url.host}`];
  const problems: string[] = [];
  const env = service.env ?? {};
  if (!LOOPBACK.has(url.hostname))
    problems.push(`${where}: tests connect to ${url.hostname}, services map to localhost`);
  if (!maps(service, url.port || '5432', 5432)) problems.push(`${where}: postgres does not publish ${url.port}:5432`);
  if (url.username !== (env.POSTGRES_USER ?? 'postgres')) problems.push(`${where}: tests log in as ${url.username}`);
  if (url.password) {
    if (decodeURIComponent(url.password) !== env.POSTGRES_PASSWORD) problems.push(`${where}: password differs`);
  } else if (env.POSTGRES_HOST_AUTH_METHOD !== 'trust') {
    problems.push(`${where}: tests log in without a password; POSTGRES_HOST_AUTH_METHOD must be trust`);
  }
  if (!hasHealthCheck(service)) problems.push(`${where}: postgres has no --health-cmd, steps may start too early`);
  return problems;
}

/** The job's Redis service answers the tests' Redis URL. */
export function redisProblems(workflow: Workflow, jobId: string, needs: TestNeeds): string[] {
  const where = `${workflow.file} ${jobId}`;
  const url = effectiveUrl(workflow, jobId, 'TEST_REDIS_URL', needs.redisUrl);
  const service = findService(workflow.jobs[jobId], /^redis(:|$)/);
  if (!service) return [`${where}: no redis service for ${url.host}`];
  const problems: string[] = [];
  if (!LOOPBACK.has(url.hostname))
    problems.push(`${where}: tests connect to ${url.hostname}, services map to localhost`);
  if (!maps(service, url.port || '6379', 6379)) problems.push(`${where}: redis does not publish ${url.port}:6379`);
  if (!hasHealthCheck(service)) problems.push(`${where}: redis has no --health-cmd, steps may start too early`);
  return problems;
}

/**
 * Each program the job's tests need is proven present by a run step calling `<program> --version` before the
 * tests: on GitHub a missing one fails that step, with its name, instead of a test half-way.
 */
export function programProblems(workflow: Workflow, jobId: string, programs: string[]): string[] {
  const steps = workflow.jobs[jobId]?.steps ?? [];
  const firstTest = steps.findIndex((s) => /\bnpm (test|run test)/.test(s.run ?? ''));
  const before = steps.slice(0, firstTest < 0 ? steps.length : firstTest).map((s) => s.run ?? '');
  return programs
    .filter((program) => {
      const escaped = program.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      return !before.some((run) => new RegExp(`(^|[\\s;&(])${escaped} --version\\b`, 'm').test(run));
    })
    .map((program) => `${workflow.file} ${jobId}: nothing checks '${program} --version' before the tests`);
}
