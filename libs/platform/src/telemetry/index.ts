// The `@ultra/platform/telemetry` entry: what a service's instrument.ts loads first, before Nest, ioredis, pg or
// http are required, so that OpenTelemetry can patch them as they load. Keep it free of other imports.
export { startTelemetry } from './telemetry-sdk';
export { flushTelemetry } from './telemetry-flush';
export { exportsTraces, telemetryEnv, type TelemetryConfig } from '../config/telemetry.config';
