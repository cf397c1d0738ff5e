import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExternalIdentityModule } from '../external-identity/external-identity.module';
import { ApiCredentialsService } from './api-credentials.service';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';

/** API keys for programs; AuthModule imports it so the global guard can authenticate keys and external JWTs. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity]), ExternalIdentityModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysRepository, ApiKeysService, ApiCredentialsService],
  exports: [ApiCredentialsService],
})
export class ApiKeysModule {}
