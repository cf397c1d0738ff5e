import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startHttpService } from '@ultra/platform';

export interface TestHttpService {
  app: NestFastifyApplication;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/**
 * Boots a service's HTTP app in-process on a free port of 127.0.0.1. `env` is applied before `load` runs, because a
 * service validates the environment in `load`, e.g. `() => AppModule.forRoot(loadConfig(SERVICE, schema))`.
 * The previous values are restored on close.
 */
export async function startTestHttpService(
  load: () => Type | DynamicModule,
  env: Record<string, string>,
): Promise<TestHttpService> {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const restore = () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  try {
    const app = await startHttpService(load(), { port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return {
      app,
      url: `http://127.0.0.1:${port}`,
      close: async () => {
        await app.close();
        restore();
      },
    };
  } catch (error) {
    restore();
    throw error;
  }
}
