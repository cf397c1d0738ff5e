import fastifySwagger, { type SwaggerOptions } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayConfig } from '../config/gateway.config';
import { buildOpenApiDocument } from './openapi-document';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';

/**
 * Serves the OpenAPI document at /api/openapi.json and Swagger UI at /api/docs, without a token. They are Fastify
 * routes beside Nest's, so the global guard and the global prefix do not apply to them.
 */
export async function registerApiDocs(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  const document = buildOpenApiDocument(config);
  // openapi3-ts (the generator's types) and openapi-types (the plugin's) describe the same 3.1 document.
  const specification = { document } as unknown as Extract<SwaggerOptions, { mode?: 'static' }>['specification'];
  await app.register(fastifySwagger, { mode: 'static', specification });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PATH, uiConfig: { url: OPENAPI_PATH } });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get(OPENAPI_PATH, (_request, reply) => reply.send(fastify.swagger()));
}
