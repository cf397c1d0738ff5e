import { loadConfig, loadProviderSettings, runService, startHttpService } from '@ultra/platform';
import { loadCatalog } from './catalog/catalog.loader';
import { configureHttp } from './common/http-setup';
import { bodyLimitOf, gatewayConfig, SERVICE_NAME } from './config/gateway.config';
import { loadPatterns } from './patterns/pattern-files';

runService(SERVICE_NAME, async () => {
  // All are checked before Nest starts, so a bad environment, catalog, pattern or providers file is printed by
  // runService as a readable list; inside Nest's boot the same error would end the process with a stack trace.
  const config = loadConfig(SERVICE_NAME, gatewayConfig);
  loadCatalog(config.ULTRA_MODELS_FILE);
  loadPatterns(config);
  loadProviderSettings(SERVICE_NAME, config);
  const { AppModule } = await import('./app.module.js');
  await startHttpService(AppModule, {
    port: config.PORT,
    host: config.HOST,
    bodyLimit: bodyLimitOf(config),
    configure: configureHttp,
  });
});
