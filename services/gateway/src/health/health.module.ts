import { Module } from '@nestjs/common';
import { HealthService } from '@ultra/platform';
import { HealthController } from './health.controller';

@Module({ controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
