import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { z } from 'zod';
import { loadConfig } from './config';

/** Injection token of the validated, typed configuration object. */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Validates the environment once at boot; every other class receives the typed result via `APP_CONFIG`. */
  static forRoot<S extends z.ZodType>(service: string, schema: S): DynamicModule {
    const config = loadConfig(service, schema);
    return ConfigModule.forValue(config);
  }

  /** For services whose decorators need config at import time: validate with loadConfig first, then provide it. */
  static forValue(config: unknown): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
