import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export const API_PREFIX = 'api';

/** HTTP settings shared by `main.ts` and the integration tests, so both serve the same routes. */
export function configureHttp(app: NestFastifyApplication): void {
  app.setGlobalPrefix(API_PREFIX);
}
