import './instrument';
import { loadConfig, runService, startHttpService } from '@ultra/platform';
import { RESULTS_SERVICE, resultsConfig } from './config/results.config';

runService(RESULTS_SERVICE, async () => {
  // Validated once, before Nest starts, so a bad environment is reported as such, not as a stack trace.
  const config = loadConfig(RESULTS_SERVICE, resultsConfig);
  const { AppModule } = await import('./app.module.js');
  await startHttpService(AppModule.forRoot(config), { port: config.RESULTS_PORT, host: config.RESULTS_HOST });
});
