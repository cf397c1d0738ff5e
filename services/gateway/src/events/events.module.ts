import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG } from '@ultra/platform';
import { ResultsClient } from '../analyses/results.client';
import type { GatewayConfig } from '../config/gateway.config';
import { AnalysisEventStreamService } from './analysis-event-stream.service';
import { AnalysisEventsController } from './analysis-events.controller';
import { StreamTokenService } from './stream-token.service';

@Module({
  imports: [
    // The gateway's own secret and algorithm, as AuthModule registers them.
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: GatewayConfig) => ({
        secret: config.JWT_SECRET,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AnalysisEventsController],
  providers: [AnalysisEventStreamService, ResultsClient, StreamTokenService],
  // The compatible API follows the same streams.
  exports: [AnalysisEventStreamService],
})
export class EventsModule {}
