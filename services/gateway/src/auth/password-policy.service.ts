import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@ultra/platform';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { ValidationFailedException } from '../common/api-exception';
import type { GatewayConfig } from '../config/gateway.config';

/** zxcvbn scores 0–4; below 2 a password falls to an online guessing attack of modest size. */
const MIN_SCORE = 2;

/**
 * The rule for new passwords (sign-up, password change): at least PASSWORD_MIN_LENGTH characters, not one of the
 * ~49,000 common passwords of @zxcvbn-ts/language-common, and a zxcvbn score of at least 2 (the email counts as
 * a guess). Existing passwords are never re-checked, so older accounts still sign in.
 */
@Injectable()
export class PasswordPolicyService {
  private readonly common = new Set(dictionary['passwords-common'].map((word) => word.toLowerCase()));
  private readonly zxcvbn = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'PASSWORD_MIN_LENGTH'>) {}

  /** Throws 400 validation_failed naming `field` when the password is not acceptable. */
  check(password: string, email: string, field = 'password'): void {
    const problem = this.problemOf(password, email);
    if (problem) throw new ValidationFailedException(problem, [{ path: field, message: problem }]);
  }

  private problemOf(password: string, email: string): string | null {
    const min = this.config.PASSWORD_MIN_LENGTH;
    if (password.trim().length < min)
      return `password must be at least ${min} characters (not counting spaces at the ends)`;
    if (this.common.has(password.toLowerCase())) return 'password is too common; choose another';
    if (this.zxcvbn.check(password, [email, email.split('@')[0] ?? '']).score < MIN_SCORE) {
      return 'password is too easy to guess; use a longer phrase of unrelated words';
    }
    return null;
  }
}
