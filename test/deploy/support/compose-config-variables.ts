import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

export const REPO_ROOT = resolve(__dirname, '../../..');

/** The roles of the image, as docker-compose.yml and deploy/docker/entrypoint.sh name them. */
export type Role = 'gateway' | 'results' | 'orchestrator' | 'provider-worker' | 'migrate';

type EnvSchema = z.ZodObject<z.ZodRawShape>;

/**
 * Imports config modules with an empty environment: the orchestrator's and worker's modules validate the
 * environment as they load, and the test process' own variables must neither break nor steer that.
 */
async function withEmptyEnv<T>(load: () => Promise<T>): Promise<T> {
  const saved = process.env;
  process.env = {};
  try {
    return await load();
  } finally {
    process.env = saved;
  }
}

/** The zod schemas each role validates its environment with, imported from the services (not copied). */
export async function schemasByRole(): Promise<Record<Role, EnvSchema[]>> {
  return withEmptyEnv(async () => {
    const { telemetryEnv } = await import('../../../libs/platform/src/config/telemetry.config.js');
    const { shutdownEnv } = await import('../../../libs/platform/src/bootstrap/shutdown.config.js');
    const { healthEnv } = await import('../../../libs/platform/src/health/health.config.js');
    const gateway = await import('../../../services/gateway/src/config/gateway.config.js');
    const results = await import('../../../services/results/src/config/results.config.js');
    const orchestrator = await import('../../../services/orchestrator/src/config/orchestrator.config.js');
    const worker = await import('../../../services/provider-worker/src/config/worker.config.js');
    // What runService, tracing and error reporting read in every service, beside the service's own schema.
    // NODE_ENV: the gateway's schema reads it, and libraries (Nest, Fastify) in every process.
    const everyService: EnvSchema[] = [
      z.object(shutdownEnv),
      z.object(healthEnv),
      telemetryEnv,
      z.object({ NODE_ENV: z.string().default('development') }),
    ];
    return {
      gateway: [gateway.gatewayConfig.in, ...everyService],
      results: [results.resultsConfig, ...everyService],
      orchestrator: [orchestrator.orchestratorConfigSchema, ...everyService],
      'provider-worker': [worker.workerConfigSchema, ...everyService],
      // scripts/migrate.js runs results' then the gateway's dist/migrate.js.
      migrate: [results.migrationConfig, gateway.migrateConfig, everyService[3]],
    };
  });
}

/** Every variable each role's config schemas read. */
export async function variablesByRole(): Promise<Record<Role, ReadonlySet<string>>> {
  const schemas = await schemasByRole();
  const entries = Object.entries(schemas).map(([role, list]) => [
    role,
    new Set(list.flatMap((schema) => Object.keys(schema.shape))),
  ]);
  return Object.fromEntries(entries) as Record<Role, ReadonlySet<string>>;
}

/** The schemas of the command-line tools in the image: `admin` and `rotate-keys`. */
export async function toolSchemas(): Promise<EnvSchema[]> {
  return withEmptyEnv(async () => {
    const gateway = await import('../../../services/gateway/src/config/gateway.config.js');
    const { keyEncryptionEnv, databaseEnv } = await import('../../../libs/platform/src/index.js');
    // rotate-keys.ts builds its schema inline from these fragments (importing it would run it).
    return [gateway.adminCliConfig, z.object({ DATABASE_URL: databaseEnv.DATABASE_URL, ...keyEncryptionEnv })];
  });
}

/** Variables `npm start` (scripts/start.js and its helpers) reads itself, besides passing the rest to the services. */
export const NPM_START_VARIABLES = [
  'WORKERS',
  'EMBEDDED_PG_PORT',
  'EMBEDDED_PG_DIR',
  'EMBEDDED_REDIS_DIR',
  'LOG_FORMAT',
  'ULTRA_SKIP_BUILD',
];

/** Variables docker-compose.yml itself interpolates (the image tag, Postgres' password, the published address). */
export const COMPOSE_VARIABLES = ['ULTRA_IMAGE', 'POSTGRES_PASSWORD', 'GATEWAY_PUBLISH'];

/** The `NAME=value` lines of `.env.example` (comments do not count), in order. */
export function envExampleEntries(
  text = readFileSync(resolve(REPO_ROOT, '.env.example'), 'utf8'),
): { name: string; value: string }[] {
  return [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({ name: m[1], value: m[2] }));
}
