import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseYaml } from '../patterns/pattern-yaml';
import { ValidationFailedException } from './api-exception';

export const API_PREFIX = 'api';

/** Pattern documents may be sent as YAML; the body is then parsed into the same value JSON would give. */
export const YAML_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** HTTP settings shared by `main.ts` and the integration tests, so both serve the same routes. */
export function configureHttp(app: NestFastifyApplication): void {
  app.setGlobalPrefix(API_PREFIX);
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
}
