import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalysisView, AnalyzeAccepted } from '@ultra/contracts';
import type { FleetHealthReport } from '@ultra/platform';
import { ApiClient } from '../support/api';
import { eventually } from '../support/eventually';
import { NetnsLab, type NetnsProcess, netnsUnavailable } from '../support/netns';
import { readSse } from '../support/sse';
import { dist } from '../support/stack';
import { UNLIMITED_TIERS } from '../support/test-tiers';

/** The newest PostgreSQL server install (Debian's layout), or undefined. */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.find((v) => existsSync(`${root}/${v}/bin/initdb`) && existsSync(`${root}/${v}/bin/postgres`));
  return found && `${root}/${found}/bin`;
}

const PG_BIN = postgresBin();
const postgresUid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
const postgresGid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout);
// Decided at load time, so a machine that cannot run this says why instead of passing without running it.
const unavailable =
  (!PG_BIN && 'no PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin/initdb, postgres)') ||
  (!postgresUid && 'no `postgres` system user to run PostgreSQL as') ||
  (spawnSync('redis-server', ['--version']).status !== 0 && 'redis-server is not installed') ||
  netnsUnavailable();
if (unavailable) console.warn(`multi-host e2e skipped: ${unavailable}`);

// Host (namespace) addresses: the data host is .1 on both its links.
const DATA_FOR_API = '10.213.1.1';
const API_FOR_DATA = '10.213.1.2';
const DATA_FOR_WORK = '10.213.2.1';
const WORK_FOR_DATA = '10.213.2.2';
const models = ['mock:alpha', 'mock:beta', 'mock:gamma'];

const ready = (started: NetnsProcess, text: string) =>
  started.waitForLine((l) => typeof l.msg === 'string' && l.msg.includes(text));

/**
 * The data host: a redis-server and a fresh PostgreSQL cluster, each listening only on the data host's two veth
 * addresses (not even on its own loopback), with their files in temp dirs added to `dirs`.
 */
async function startDataHost(lab: NetnsLab, env: Record<string, string>, dirs: string[]): Promise<void> {
  const [redisDir, pgDir] = ['redis', 'pg'].map((kind) => mkdtempSync(join(tmpdir(), `ultra-multihost-${kind}-`)));
  dirs.push(redisDir, pgDir);
  const redisArgs = [...'--port 6379 --protected-mode no --appendonly no --save'.split(' '), '', '--dir', redisDir];
  const redisCommand = ['redis-server', '--bind', DATA_FOR_API, DATA_FOR_WORK, ...redisArgs];
  const redis = lab.spawn('data', 'redis', redisCommand, env, { stopLast: true });
  // initdb refuses root: the cluster belongs to postgres, in a directory of its own.
  chownSync(pgDir, postgresUid, postgresGid);
  const data = join(pgDir, 'data');
  const initdbArgs = ['-D', data, ...'-U postgres --auth=trust --no-sync -E UTF8'.split(' ')];
  const initdb = spawnSync('runuser', ['-u', 'postgres', '--', `${PG_BIN}/initdb`, ...initdbArgs], {
    cwd: pgDir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr || String(initdb.error)}`);
  appendFileSync(join(data, 'pg_hba.conf'), 'host all all 10.213.0.0/16 trust\n');
  const asPostgres = `setpriv --reuid=${postgresUid} --regid=${postgresGid} --init-groups --`.split(' ');
  const settings = [
    `listen_addresses=${DATA_FOR_API},${DATA_FOR_WORK}`,
    `unix_socket_directories=${pgDir}`,
    'fsync=off',
  ];
  const postgres = lab.spawn(
    'data',
    'postgres',
    [...asPostgres, `${PG_BIN}/postgres`, '-D', data, '-p', '5432', ...settings.flatMap((c) => ['-c', c])],
    env,
    { cwd: pgDir, stopSignal: 'SIGINT', stopLast: true }, // SIGINT: Postgres's fast shutdown
  );
  await Promise.all([ready(redis, 'Ready to accept connections'), ready(postgres, 'ready to accept connections')]);
}

(unavailable ? describe.skip : describe)('three hosts (network namespaces): data, api, work', () => {
  const lab = new NetnsLab(['data', 'api', 'work']);
  const dirs: string[] = [];
  const workers: NetnsProcess[] = [];
  const services: Record<string, NetnsProcess> = {};
  let baseUrl = '';

  beforeAll(async () => {
    await lab.create();
    await lab.link('data', 'api', '10.213.1');
    await lab.link('data', 'work', '10.213.2');
    await lab.link('api', 'work', '10.213.3');
    baseUrl = `http://${await lab.linkToRoot('api')}:3000`;
    // Only what a host would have: no REDIS_URL/DATABASE_URL of the machine leaks in.
    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };

    await startDataHost(lab, base, dirs);

    const common = {
      ...base,
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      JWT_SECRET: 'test-secret-of-sufficient-length-0123456789',
      TIERS: UNLIMITED_TIERS,
      MOCK_LATENCY_MS: '20',
      MODEL_CALL_BACKOFF_MS: '50',
      HEALTH_HEARTBEAT_MS: '500',
    };
    const apiEnv = {
      ...common,
      REDIS_URL: `redis://${DATA_FOR_API}:6379`,
      DATABASE_URL: `postgres://postgres@${DATA_FOR_API}:5432/postgres`,
      DATABASE_POOL_SIZE: '4',
      HOST: '0.0.0.0',
      PORT: '3000',
      RESULTS_HOST: '0.0.0.0',
      RESULTS_PORT: '3001',
      RESULTS_URL: `http://${API_FOR_DATA}:3001`,
    };
    const workEnv = { ...common, REDIS_URL: `redis://${DATA_FOR_WORK}:6379` };
    for (const service of ['results', 'gateway'])
      await lab.exec('api', [process.execPath, dist(service, 'migrate.js')], apiEnv);
    const node = (service: string) => [process.execPath, dist(service)];
    services.results = lab.spawn('api', 'results', node('results'), apiEnv);
    services.gateway = lab.spawn('api', 'gateway', node('gateway'), apiEnv);
    services.orchestrator = lab.spawn('work', 'orchestrator', node('orchestrator'), workEnv);
    for (const n of [1, 2]) workers.push(lab.spawn('work', `provider-worker-${n}`, node('provider-worker'), workEnv));
    await Promise.all([...Object.values(services), ...workers].map((p) => p.ready()));
  }, 120_000);

  afterAll(async () => {
    try {
      await lab.destroy();
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('GET /api/health, asked from outside, lists every instance of every host', async () => {
    const answer = await eventually(
      'a 200 from /api/health',
      async () => {
        const response = await fetch(`${baseUrl}/api/health`);
        return response.status === 200 && ((await response.json()) as FleetHealthReport);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(answer).toMatchObject({ status: 'ok', checks: { redis: 'up', database: 'up' } });
    expect(Object.keys(answer.services)).toEqual(['orchestrator', 'provider-worker', 'results', 'gateway']);
    // Each instance is named by its pid: the very processes started in the namespaces.
    const pids = (name: string) => answer.services[name]?.instances.map((i) => Number(i.instance.split(':').pop()));
    expect(answer.services['provider-worker']).toMatchObject({ status: 'ok', ready: 2 });
    expect(pids('provider-worker')?.sort()).toEqual(workers.map((w) => w.pid).sort());
    for (const name of ['orchestrator', 'results', 'gateway']) {
      expect(answer.services[name]).toMatchObject({ status: 'ok', ready: 1 });
      expect(pids(name)).toEqual([services[name].pid]);
    }
  });

  it('runs concurrent analyses across the hosts, streamed live and shared by both workers', async () => {
    const user = await new ApiClient(baseUrl).registerUser();
    const ids = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const body = { prompt: `Question ${i} across hosts`, models, pattern: 'critique' };
        const res = await user.request<AnalyzeAccepted>('POST', '/api/analyze', body);
        expect(res.status).toBe(202);
        return res.body.id;
      }),
    );
    const live = await readSse(`${baseUrl}/api/analyses/${ids[0]}/events`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    const views: AnalysisView[] = await Promise.all(ids.map((id) => user.waitForAnalysis(id, 40_000)));

    for (const view of views) {
      expect(view).toMatchObject({ status: 'completed', pattern: 'critique', models });
      expect(view.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      for (const output of view.stages.flatMap((s) => s.outputs)) {
        expect(output).toMatchObject({ status: 'completed', text: expect.stringMatching(/\S/) });
      }
      expect(view.result?.text).toBe(view.stages.at(-1)?.outputs[0].text);
    }
    expect(live.status).toBe(200);
    expect(live.closedByServer).toBe(true);
    expect(live.messages.filter((m) => m.data.type === 'output.completed')).toHaveLength(10);
    expect(live.messages.at(-1)?.data).toMatchObject({ type: 'analysis.completed', result: views[0].result });
    // Every stored output was one model call on the work host, and both workers took some.
    const calls = workers.map((w) => w.count((l) => l.msg === 'model call completed'));
    expect(calls.every((n) => n > 0)).toBe(true);
    expect(calls[0] + calls[1]).toBe(views.reduce((n, v) => n + v.stages.flatMap((s) => s.outputs).length, 0));
  });

  it('keeps the hosts apart: nothing answers on loopback, every connection comes from another host', async () => {
    // Each probe is a TCP client started inside that host; they run side by side.
    const loopback = [
      ...[6379, 5432, 3000, 3001].map((port) => lab.probe('work', '127.0.0.1', port)),
      ...[6379, 5432].flatMap((port) => [lab.probe('api', '127.0.0.1', port), lab.probe('data', '127.0.0.1', port)]),
    ];
    const [pong, postgres, ...nothing] = await Promise.all([
      lab.probe('work', DATA_FOR_WORK, 6379, 'PING\r\nQUIT\r\n'),
      lab.probe('api', DATA_FOR_API, 5432),
      ...loopback,
    ]);
    expect(nothing).toEqual(loopback.map(() => ({ status: 'ECONNREFUSED', reply: '' })));
    expect(pong.reply).toMatch(/^\+PONG\r\n/);
    expect(postgres.status).toBe('open');

    // Redis's clients: the api host's services and the work host's, by their own addresses.
    const clients = (await lab.probe('data', DATA_FOR_API, 6379, 'CLIENT LIST\r\nQUIT\r\n')).reply
      .split('\n')
      .filter((line) => line.includes(' addr=') && !line.includes('cmd=client|list'))
      .map((line) => /addr=([\d.]+):/.exec(line)?.[1]);
    expect(new Set(clients)).toEqual(new Set([API_FOR_DATA, WORK_FOR_DATA]));
    // Postgres's: only the api host (gateway and results); the workers run without a database.
    const sql =
      "SELECT DISTINCT host(client_addr) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'";
    const psql = [`${PG_BIN}/psql`, '-h', DATA_FOR_API, '-U', 'postgres', '-d', 'postgres', '-Atc', sql];
    expect((await lab.exec('data', psql)).trim()).toBe(API_FOR_DATA);
  });
});
