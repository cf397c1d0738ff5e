// First import of main.ts: tracing and error reporting start before anything they instrument is loaded.
import { startTelemetry } from '@ultra/platform/telemetry';

startTelemetry('results');
