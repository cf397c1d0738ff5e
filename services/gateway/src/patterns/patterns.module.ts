import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';
import { loadPatterns } from './pattern-files';
import { BUILTIN_PATTERNS, PatternRegistry } from './pattern-registry';
import { PatternsController } from './patterns.controller';
import { PatternsService } from './patterns.service';
import { UserPatternEntity } from './user-pattern.entity';
import { UserPatternsRepository } from './user-patterns.repository';

@Module({
  imports: [TypeOrmModule.forFeature([UserPatternEntity])],
  controllers: [PatternsController],
  providers: [
    { provide: BUILTIN_PATTERNS, inject: [APP_CONFIG], useFactory: (config: GatewayConfig) => loadPatterns(config) },
    PatternRegistry,
    PatternsService,
    UserPatternsRepository,
  ],
  exports: [PatternRegistry],
})
export class PatternsModule {}
