import { Module } from '@nestjs/common';
import { ProviderKeysController } from './provider-keys.controller';
import { ProviderKeysRepository } from './provider-keys.repository';
import { ProviderKeysService } from './provider-keys.service';

/** `/api/provider-keys` (BYOK); the repository also tells preflight which providers a user has a key for. */
@Module({
  controllers: [ProviderKeysController],
  providers: [ProviderKeysRepository, ProviderKeysService],
  exports: [ProviderKeysRepository],
})
export class ProviderKeysModule {}
