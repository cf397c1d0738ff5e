import { Module } from '@nestjs/common';
import { AnalysisEventsPublisher } from './analysis-events.publisher';

@Module({ providers: [AnalysisEventsPublisher], exports: [AnalysisEventsPublisher] })
export class EventsModule {}
