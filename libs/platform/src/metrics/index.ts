export * from './metrics-registry';
export * from './metrics.config';
export * from './metrics.module';
export * from './http-metrics';
