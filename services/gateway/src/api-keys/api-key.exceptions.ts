import { ApiErrorCode, type ApiKeyScope } from '@ultra/contracts';
import { ApiException } from '../common/api-exception';

export class ApiKeyNotFoundException extends ApiException {
  constructor(id: string) {
    super(ApiErrorCode.NotFound, `API key ${id} does not exist`);
  }
}

/** 403: the key lacks a scope the route needs, or the route does not take API keys at all. */
export class InsufficientScopeException extends ApiException {
  constructor(message: string, required?: readonly ApiKeyScope[]) {
    super(ApiErrorCode.InsufficientScope, message, required && { required });
  }

  static missing(required: readonly ApiKeyScope[]): InsufficientScopeException {
    return new InsufficientScopeException(`this API key lacks the scope ${required.join(' and ')}`, required);
  }

  static jwtOnly(): InsufficientScopeException {
    return new InsufficientScopeException('API keys cannot be used here: sign in and send the access token');
  }
}
