import { Injectable } from '@nestjs/common';
import { BuiltInProvider, type ModelStatus } from '@ultra/contracts';

/**
 * Whether a provider can serve calls. Only `mock` needs no credentials in this release; when real provider keys
 * arrive, this is the one place that learns about them.
 */
@Injectable()
export class ProviderAvailability {
  statusOf(provider: string): ModelStatus {
    return provider === BuiltInProvider.Mock ? 'ready' : 'needs_key';
  }
}
