import { Module } from '@nestjs/common';
import { AnalysesModule } from '../analyses/analyses.module';
import { ExportsController } from './exports.controller';

@Module({
  imports: [AnalysesModule],
  controllers: [ExportsController],
})
export class ExportsModule {}
