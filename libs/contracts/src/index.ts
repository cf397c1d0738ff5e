export * from './models/model-id';
export * from './patterns/patterns';
export * from './analyses/status';
export * from './errors/error-codes';
export * from './queues/job-payloads';
export * from './queues/jobs';
export * from './api/analysis.dto';
export * from './api/auth.dto';
