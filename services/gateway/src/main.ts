import './instrument';
import { loadConfig, loadProviderSettings, runService, startHttpService } from '@ultra/platform';
import { loadCatalog } from './catalog/catalog.loader';
import { configureHttp } from './common/http-setup';
import { bodyLimitOf, gatewayConfig, SERVICE_NAME } from './config/gateway.config';
import { loadPatterns } from './patterns/pattern-files';

runService(SERVICE_NAME, async () => {
  // The environment is validated here, once, and handed to the app module. The catalog, pattern and providers files
  // are checked before Nest starts too, so a bad one is printed by runService as a readable list; inside Nest's boot
  // the same error would end the process with a stack trace.
  const config = loadConfig(SERVICE_NAME, gatewayConfig);
  loadCatalog(config.ULTRA_MODELS_FILE);
  loadPatterns(config);
  loadProviderSettings(SERVICE_NAME, config);
  const { AppModule } = await import('./app.module.js');
  await startHttpService(AppModule.forRoot(config), {
    port: config.PORT,
    host: config.HOST,
    bodyLimit: bodyLimitOf(config),
    configure: (app) => configureHttp(app, config),
  });
});
