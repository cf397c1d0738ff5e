import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, CallbackUrlRefusedError, checkCallbackUrl, type Problem } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';

/**
 * The SSRF check of `callbackUrl` at submit: its host must not be, nor resolve to, a loopback, private, link-local,
 * CGNAT, multicast or metadata address unless WEBHOOK_ALLOW_HOSTS lists it. Results checks again at each delivery,
 * since DNS may answer differently by then.
 */
@Injectable()
export class CallbackUrlValidator {
  private readonly allowHosts: ReadonlySet<string>;

  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    this.allowHosts = config.WEBHOOK_ALLOW_HOSTS;
  }

  /** What is wrong with the URL (one problem naming `callbackUrl`), or nothing; its shape is already checked. */
  async problems(callbackUrl: string | undefined): Promise<Problem[]> {
    if (callbackUrl === undefined) return [];
    try {
      await checkCallbackUrl(new URL(callbackUrl), this.allowHosts);
      return [];
    } catch (error) {
      if (!(error instanceof CallbackUrlRefusedError)) throw error;
      return [{ path: 'callbackUrl', message: `callbackUrl is refused: ${error.reason}` }];
    }
  }
}
