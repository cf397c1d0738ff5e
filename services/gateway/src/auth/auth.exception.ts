import { ApiErrorCode } from '@ultra/contracts';
import { ApiException } from '../common/api-exception';

export class EmailTakenException extends ApiException {
  constructor(email: string) {
    super(ApiErrorCode.EmailTaken, `an account with email ${email} already exists`);
  }
}

/** Deliberately the same for an unknown email and a wrong password, so sign-in does not reveal accounts. */
export class InvalidCredentialsException extends ApiException {
  constructor() {
    super(ApiErrorCode.InvalidCredentials, 'email or password is incorrect');
  }
}

export class UnauthorizedException extends ApiException {
  constructor(message = 'a valid access token is required') {
    super(ApiErrorCode.Unauthorized, message);
  }
}

/** An account an admin disabled: it can neither sign in nor use a token it holds. */
export class AccountDisabledException extends ApiException {
  constructor() {
    super(ApiErrorCode.AccountDisabled, 'this account is disabled; ask an administrator');
  }
}
