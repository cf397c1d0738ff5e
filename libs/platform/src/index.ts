export * from './config/config';
export * from './config/config.module';
export * from './logging/logging.module';
export * from './redis/redis-options';
export * from './redis/queue.module';
export * from './database/database.module';
export * from './health/health.service';
export * from './bootstrap/bootstrap';
