import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JSON_MEDIA_TYPE, mediaTypeGuardOf, ValidationFailedException } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';
import { registerDocumentUploads } from '../documents/document-uploads';
import { registerApiDocs } from '../openapi/api-docs';
import { parseYaml } from '../patterns/pattern-yaml';
import { API_PREFIX, COMPAT_PREFIX, YAML_CONTENT_TYPES } from './http-constants';
import { registerSecurityHeaders } from './security-headers';
import { registerWebUi } from '../web/web-ui';

export { API_PREFIX, YAML_CONTENT_TYPES };

/** HTTP settings shared by `main.ts` and the integration tests, so both serve the same routes. */
export async function configureHttp(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: `${COMPAT_PREFIX}/{*rest}`, method: RequestMethod.ALL }] });
  // First, so every answer below (errors and Swagger UI included) carries the headers.
  await registerSecurityHeaders(app, config);
  // Every other route with a body takes JSON only (libs/platform media-type-guard).
  const mediaTypes = mediaTypeGuardOf(app.getHttpAdapter().getInstance());
  mediaTypes.allow('POST', `/${API_PREFIX}/documents`, ['multipart/form-data']);
  mediaTypes.allow('POST', `/${API_PREFIX}/patterns`, [JSON_MEDIA_TYPE, ...YAML_CONTENT_TYPES]);
  mediaTypes.allow('POST', `/${API_PREFIX}/patterns/validate`, [JSON_MEDIA_TYPE, ...YAML_CONTENT_TYPES]);
  mediaTypes.allow('PUT', `/${API_PREFIX}/patterns/:id`, [JSON_MEDIA_TYPE, ...YAML_CONTENT_TYPES]);
  // Without a bodyLimit of its own the parser has the server's, like JSON bodies.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(YAML_CONTENT_TYPES, { parseAs: 'string' }, (_request, body, done) => {
      const parsed = parseYaml(String(body));
      if (parsed.ok) return done(null, parsed.value);
      const message = `the YAML body is not valid: ${parsed.message}`;
      done(new ValidationFailedException(message, [{ path: 'body', message }]), undefined);
    });
  await registerDocumentUploads(app, config);
  await registerApiDocs(app, config);
  await registerWebUi(app, config);
}
