import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { GatewayConfig } from '../config/gateway.config';
import { registerAdmin } from './admin.openapi';
import { registerAnalyses } from './analyses.openapi';
import { API_KEY, registerApiKeys } from './api-keys.openapi';
import { BEARER, STREAM_TOKEN } from './api-route';
import { registerAuth } from './auth.openapi';
import { registerCatalog } from './catalog.openapi';
import { registerCompat } from './compat.openapi';
import { registerDocuments } from './documents.openapi';
import { registerEstimate } from './estimate.openapi';
import { registerEvents } from './events.openapi';
import { registerHealth } from './health.openapi';
import { registerHistory } from './history.openapi';
import { registerPatterns } from './patterns.openapi';
import { registerProviderKeys } from './provider-keys.openapi';
import { registerThreads } from './threads.openapi';
import { registerUsage } from './usage.openapi';
import { registerUserDefaults } from './user-defaults.openapi';
import { registerWebhooks } from './webhooks.openapi';

// registry.register names a schema built at run time (from the configuration); it needs zod's .openapi().
extendZodWithOpenApi(z);

/** The generated document (openapi3-ts' 3.1 type, as the generator returns it). */
export type OpenAPIObject = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** One feature's routes: a `<feature>.openapi.ts` file beside this one. A new route goes into its feature's file. */
type FeatureDocs = (registry: OpenAPIRegistry, config: GatewayConfig) => void;

const features: FeatureDocs[] = [
  registerAuth,
  registerAdmin,
  registerAnalyses,
  registerHistory,
  registerEvents,
  registerEstimate,
  registerCatalog,
  registerPatterns,
  registerDocuments,
  registerHealth,
  registerWebhooks,
  registerThreads,
  registerUsage,
  registerApiKeys,
  registerProviderKeys,
  registerUserDefaults,
  registerCompat,
];

/**
 * The gateway's OpenAPI 3.1 document, generated from the zod schemas that validate the requests (and the ones that
 * describe the answers), with the limits of this configuration (e.g. MAX_PROMPT_CHARS).
 */
export function buildOpenApiDocument(config: GatewayConfig): OpenAPIObject {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The accessToken of POST /api/auth/register, /login or /refresh.',
  });
  registry.registerComponent('securitySchemes', STREAM_TOKEN, {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: "A short-lived stream token for browsers' EventSource, valid for one analysis' event stream only.",
  });
  registry.registerComponent('securitySchemes', API_KEY, {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description:
      'An API key (`ultra_sk_…`, POST /api/api-keys), also accepted as `Authorization: Bearer ultra_sk_…`, on the ' +
      'routes its scopes allow: reads need `read`, changes to analyses, documents and patterns `analyze`.',
  });
  for (const register of features) register(registry, config);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Ultra API',
      version: '0.1.0',
      description:
        'One question through several LLMs under an analysis pattern. Every route except auth and health needs ' +
        '`Authorization: Bearer <accessToken>`. Errors are `{"error":{"code","message","details?"}}`.',
    },
    security: [{ [BEARER]: [] }],
  });
}
