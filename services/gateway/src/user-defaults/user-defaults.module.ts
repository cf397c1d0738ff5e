import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AnalysisRequestModule } from '../analyses/analysis-request.module';
import { UserDefaultsController } from './user-defaults.controller';
import { UserDefaultsEntity } from './user-defaults.entity';
import { UserDefaultsRepository } from './user-defaults.repository';
import { UserDefaultsService } from './user-defaults.service';

/**
 * `/api/users/me/defaults`; exports the service so other features can read a user's panel (`get`). It checks
 * panels with the analyze validator, so it imports AnalysisRequestModule rather than repeating its lookups.
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserDefaultsEntity]), AnalysisRequestModule],
  controllers: [UserDefaultsController],
  providers: [UserDefaultsRepository, UserDefaultsService],
  exports: [UserDefaultsService],
})
export class UserDefaultsModule {}
