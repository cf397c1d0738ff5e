import { Module } from '@nestjs/common';
import { AnalysesModule } from '../analyses/analyses.module';
import { AnalysisRequestModule } from '../analyses/analysis-request.module';
import { CatalogModule } from '../catalog/catalog.module';
import { EventsModule } from '../events/events.module';
import { PatternsModule } from '../patterns/patterns.module';
import { UserDefaultsModule } from '../user-defaults/user-defaults.module';
import { ChatCompletionsController } from './chat-completions.controller';
import { CompatAnalysisService } from './compat-analysis.service';
import { CompatModelsService } from './compat-models.service';
import { CompatRunService } from './compat-run.service';
import { MessagesController } from './messages.controller';
import { ModelsController } from './models.controller';
import { ResponsesController } from './responses.controller';

/** Ultra as a model: the OpenAI- and Anthropic-compatible routes under /v1 (docs/compatible-api.md). */
@Module({
  imports: [AnalysesModule, AnalysisRequestModule, CatalogModule, EventsModule, PatternsModule, UserDefaultsModule],
  controllers: [ModelsController, ChatCompletionsController, MessagesController, ResponsesController],
  providers: [CompatAnalysisService, CompatModelsService, CompatRunService],
  exports: [CompatRunService],
})
export class CompatModule {}
