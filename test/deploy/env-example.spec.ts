import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { ZodType } from 'zod';
import {
  COMPOSE_VARIABLES,
  envExampleEntries,
  NPM_START_VARIABLES,
  REPO_ROOT,
  schemasByRole,
  toolSchemas,
} from './support/compose-config-variables';

/**
 * .env.example is the list users copy: every variable a service, `npm start` or docker compose reads is there,
 * nothing else is, and each value written is the default the service would use anyway (an empty value means the
 * default). The variables come from the services' zod schemas themselves, so a new variable fails this test until
 * it is documented.
 */
describe('.env.example', () => {
  const entries = envExampleEntries();
  const names = entries.map((e) => e.name);
  let schemas: Awaited<ReturnType<typeof toolSchemas>>;

  beforeAll(async () => {
    schemas = [...Object.values(await schemasByRole()).flat(), ...(await toolSchemas())];
  });

  const schemaVariables = () => new Set(schemas.flatMap((schema) => Object.keys(schema.shape)));

  it('assigns every variable of every config schema (gateway, results, orchestrator, provider-worker, tools)', () => {
    const variables = schemaVariables();
    // The roles' schemas: a broken import would make this test vacuous.
    expect(variables.size).toBeGreaterThan(80);
    const missing = [...variables].filter((name) => !names.includes(name)).sort();
    expect(missing).toEqual([]);
  });

  it('names nothing that no service, npm start or docker compose reads, and each variable once', () => {
    const known = new Set([...schemaVariables(), ...NPM_START_VARIABLES, ...COMPOSE_VARIABLES]);
    expect(names.filter((name) => !known.has(name))).toEqual([]);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    for (const name of [...NPM_START_VARIABLES, ...COMPOSE_VARIABLES]) expect(names).toContain(name);
  });

  it('writes only values the services accept, and each is the default (so copying the file changes nothing)', () => {
    const differing: string[] = [];
    for (const { name, value } of entries.filter((e) => e.value !== '')) {
      for (const field of schemas.flatMap((schema) => (name in schema.shape ? [schema.shape[name] as ZodType] : []))) {
        const withValue = field.safeParse(value);
        const withDefault = field.safeParse(undefined);
        if (!withValue.success) {
          differing.push(`${name}=${value}: ${withValue.error.issues.map((i) => i.message).join('; ')}`);
        } else if (!withDefault.success || !isDeepStrictEqual(withValue.data, withDefault.data)) {
          differing.push(`${name}=${value} is not the default`);
        }
      }
    }
    expect(differing).toEqual([]);
  });

  it('leaves the secrets docker compose and production require empty, and says they are required', () => {
    const lines = readFileSync(resolve(REPO_ROOT, '.env.example'), 'utf8').split('\n');
    for (const secret of ['JWT_SECRET', 'KEY_ENCRYPTION_KEYS', 'POSTGRES_PASSWORD']) {
      const at = lines.indexOf(`${secret}=`);
      expect({ secret, at: at >= 0 }).toEqual({ secret, at: true });
      let comment = '';
      for (let i = at - 1; i >= 0 && lines[i].startsWith('#'); i -= 1) comment = lines[i] + comment;
      expect({ secret, comment }).toEqual({ secret, comment: expect.stringMatching(/required/i) });
    }
  });
});
