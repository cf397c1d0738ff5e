import type { SerializedRequest } from 'pino';
import type { LogConfig } from '../config/config';

/** Query parameters that carry credentials: SSE stream tokens (`?token=`) and keys some clients put in URLs. */
export const SECRET_QUERY = ['token', 'access_token', 'api_key', 'key'];

/** Keys whose values are credentials wherever they appear: at the top of a log line or up to two levels down. */
const SECRET_KEYS = [
  'password',
  'currentPassword',
  'newPassword',
  'accessToken',
  'refreshToken',
  'token',
  'apiKey',
  'secret',
  'webhookSecret',
  'KEY_ENCRYPTION_KEYS',
  'JWT_SECRET',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'GOOGLE_API_KEY',
  'MISTRAL_API_KEY',
];

const SECRET_HEADERS = ['authorization', 'cookie', '["set-cookie"]', '["x-api-key"]', '["proxy-authorization"]'];

/**
 * What users wrote and models answered: logged only with LOG_PROMPTS=1. Code that wants content in its logs
 * (the worker's model calls) puts it under `prompt` and `answer`; anything else under these keys, job data
 * logged by accident included, is dropped too, up to two levels down.
 */
const CONTENT_KEYS = ['prompt', 'answer', 'messages', 'text'];

const anywhere = (key: string) => [key, `*.${key}`, `*.*.${key}`];
const header = (name: string) => (name.startsWith('[') ? name : `.${name}`);

/** Never logged, wherever they appear. */
export const redactedPaths = [
  ...SECRET_HEADERS.flatMap((h) => [`req.headers${header(h)}`, `res.headers${header(h)}`, `*.headers${header(h)}`]),
  ...SECRET_QUERY.map((q) => `req.query.${q}`),
  ...SECRET_KEYS.flatMap(anywhere),
];

/** Logged only when LOG_PROMPTS=1. */
export const contentPaths = CONTENT_KEYS.flatMap(anywhere);

const REDACTED = '[redacted]';
const contentKeys = new Set(CONTENT_KEYS);

/**
 * pino's redact options for a service: secrets are replaced by `[redacted]`; prompts and answers are left out of
 * the line (not replaced by a marker, which would only be noise) unless the operator opted in.
 */
export function redactionOf(config: Pick<LogConfig, 'LOG_PROMPTS'>) {
  const logPrompts = config.LOG_PROMPTS === true;
  return {
    paths: logPrompts ? redactedPaths : [...redactedPaths, ...contentPaths],
    censor: (_value: unknown, path: string[]) => (contentKeys.has(path.at(-1) ?? '') ? undefined : REDACTED),
  };
}

const SECRET_QUERY_VALUE = new RegExp(`([?&](?:${SECRET_QUERY.join('|')})=)[^&#]*`, 'gi');

/** `url` with the values of credential-carrying query parameters replaced; the rest of it left as it was. */
export function withoutSecretQuery(url: string): string {
  return url.includes('?') ? url.replace(SECRET_QUERY_VALUE, `$1${REDACTED}`) : url;
}

/**
 * pino-http's request serializer, minus credentials in the URL: the SSE endpoint takes its stream token as
 * `?token=`, and the request line is logged when the stream ends. pino-http hands it the standard serialization
 * (a fresh object per line), so changing it in place is safe.
 */
export function requestSerializer(req: SerializedRequest): SerializedRequest {
  if (typeof req.url === 'string') req.url = withoutSecretQuery(req.url);
  return req;
}
