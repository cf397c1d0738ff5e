import './instrument';
import 'reflect-metadata';
import { runService, startWorkerService } from '@ultra/platform';

runService('provider-worker', async () => {
  // Imported lazily so that a configuration error is reported by runService, not as a stack trace.
  const { AppModule } = await import('./app.module.js');
  await startWorkerService(AppModule);
});
