import { createHmac, type KeyObject, sign } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/** One operation of the OpenAPI document, as the security tests walk them. */
export interface DocumentedRoute {
  method: string;
  /** OpenAPI form, e.g. `/api/analyses/{id}/events`. */
  path: string;
  params: string[];
  public: boolean;
  /** The media types of its request body, if it has one. */
  bodyTypes: string[];
}

interface OpenApiOperation {
  security?: unknown[];
  requestBody?: { content?: Record<string, unknown> };
}

/** Every operation the gateway documents at /api/openapi.json: new routes are covered without editing the tests. */
export async function documentedRoutes(baseUrl: string): Promise<DocumentedRoute[]> {
  const response = await fetch(`${baseUrl}/api/openapi.json`);
  if (response.status !== 200) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  const document = (await response.json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
  const routes: DocumentedRoute[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      routes.push({
        method: method.toUpperCase(),
        path,
        params: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
        public: Array.isArray(operation.security) && operation.security.length === 0,
        bodyTypes: Object.keys(operation.requestBody?.content ?? {}),
      });
    }
  }
  return routes;
}

/** `path` with each `{param}` replaced (URL-encoded) from `values`. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (values[name] === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(values[name]);
  });
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A compact JWS built by hand, so a test can make any header, claims and signature it likes. */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret?: string): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = secret === undefined ? '' : createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** The header and claims of a JWT, unverified. */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  const parse = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(header), payload: parse(payload) };
}

/**
 * Every place `needle` occurs in a database: each text, varchar, char, json, jsonb and bytea column of each table of
 * each non-system schema, as `schema.table.column`.
 */
export async function findInPostgres(databaseUrl: string, needle: string): Promise<string[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const columns = await client.query<{ schema: string; table: string; column: string; type: string }>(
      `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column, c.data_type AS type
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE t.table_type = 'BASE TABLE'
          AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
          AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const { schema, table, column, type } of columns.rows) {
      const ref = `${schema}.${table}.${column}`;
      const col = `"${column.replace(/"/g, '""')}"`;
      const from = `"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`;
      const condition =
        type === 'bytea' ? `position(convert_to($1, 'UTF8') in ${col}) > 0` : `strpos(${col}::text, $1) > 0`;
      const hits = await client.query(`SELECT 1 FROM ${from} WHERE ${condition} LIMIT 1`, [needle]);
      if (hits.rowCount) found.push(ref);
    }
    return found;
  } finally {
    await client.end();
  }
}

async function valuesOf(redis: Redis, key: Buffer): Promise<Buffer[]> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return [(await redis.getBuffer(key)) ?? Buffer.alloc(0)];
    case 'hash':
      return Object.entries(await redis.hgetallBuffer(key)).flatMap(([field, value]) => [Buffer.from(field), value]);
    case 'list':
      return redis.lrangeBuffer(key, 0, -1);
    case 'set':
      return redis.smembersBuffer(key);
    case 'zset':
      return redis.zrangeBuffer(key, 0, -1);
    case 'stream': {
      const entries = (await redis.xrangeBuffer(key, '-', '+')) as unknown as [Buffer, Buffer[]][];
      return entries.flatMap(([, fields]) => fields);
    }
    default:
      return [];
  }
}

/** Every key of a Redis (all of it, SCAN) whose name or value contains `needle`. */
export async function findInRedis(redisUrl: string, needle: string): Promise<string[]> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const wanted = Buffer.from(needle, 'utf8');
  const found: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scanBuffer(cursor, 'COUNT', 1000);
      cursor = String(next);
      for (const key of keys) {
        const values = key.includes(wanted) ? [key] : await valuesOf(redis, key);
        if (values.some((v) => v.includes(wanted))) found.push(key.toString('utf8'));
      }
    } while (cursor !== '0');
    return found;
  } finally {
    redis.disconnect();
  }
}

/** An RS256 JWS signed with `privateKey` (RSASSA-PKCS1-v1_5 with SHA-256), as an identity provider makes them. */
export function signRs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject,
): string {
  const signingInput = `${base64url(JSON.stringify({ ...header, alg: 'RS256' }))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
}
