import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { EntitySchema, MixedList } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

export interface DatabaseOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own entity list type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own migration list type
  migrations: MixedList<Function | string>;
  /** Each service owns its tables and keeps its own migration history. */
  migrationsTableName: string;
}

export function dataSourceOptions(config: DatabaseConfig, options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: options.migrationsTableName,
    // Schema changes happen only through migrations, run by `npm run migrate` or `npm start`.
    synchronize: false,
    migrationsRun: false,
    extra: { max: config.DATABASE_POOL_SIZE },
  };
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: DatabaseConfig) => dataSourceOptions(config, options),
        }),
      ],
    };
  }
}
