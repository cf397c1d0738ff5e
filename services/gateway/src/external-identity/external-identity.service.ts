import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Algorithm, hash } from '@node-rs/argon2';
import { APP_CONFIG } from '@ultra/platform';
import { createRemoteJWKSet, decodeJwt, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import { EmailTakenException, UnauthorizedException } from '../auth/auth.exception';
import type { AuthUser } from '../auth/token-claims';
import type { UserEntity } from '../auth/user.entity';
import { UsersRepository } from '../auth/users.repository';
import type { GatewayConfig } from '../config/gateway.config';

/** Asymmetric only: an HS256 (or `none`) token claiming the IdP's issuer is refused, never checked with a secret. */
const ALGORITHMS = ['RS256', 'ES256'];
const emailClaim = z.object({ email: z.email().max(254) });

interface Provider {
  jwks: JWTVerifyGetKey;
  issuer: string;
  audience: string;
}

/**
 * JWTs of an external identity provider (AUTH_JWKS_URL), mapped to local users by their `email` claim. A user
 * seen for the first time is created with the argon2id hash of 32 random bytes nobody knows, so the account
 * cannot sign in with a password until it sets one through the API while signed in.
 */
@Injectable()
export class ExternalIdentityService {
  private readonly provider: Provider | null;

  constructor(
    @Inject(APP_CONFIG) config: GatewayConfig,
    private readonly users: UsersRepository,
  ) {
    const { AUTH_JWKS_URL: url, AUTH_JWT_ISSUER: issuer, AUTH_JWT_AUDIENCE: audience } = config;
    // jose caches the key set and refetches it (at most every 30 s) when a token names a key id it lacks.
    this.provider = url && issuer && audience ? { jwks: createRemoteJWKSet(new URL(url)), issuer, audience } : null;
  }

  /** Whether a bearer token claims to come from the configured provider (unverified: only routes it here). */
  claims(token: string): boolean {
    if (!this.provider) return false;
    try {
      return decodeJwt(token).iss === this.provider.issuer;
    } catch {
      return false;
    }
  }

  async authenticate(token: string): Promise<AuthUser> {
    if (!this.provider) throw new UnauthorizedException();
    const { jwks, issuer, audience } = this.provider;
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer,
        audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      const expired = error instanceof Error && 'code' in error && error.code === 'ERR_JWT_EXPIRED';
      throw new UnauthorizedException(
        expired ? 'the token has expired' : 'a valid token of the identity provider is required',
      );
    }
    const claim = emailClaim.safeParse(payload);
    if (!claim.success) throw new UnauthorizedException('the identity provider’s token has no valid email claim');
    const user = await this.userFor(claim.data.email.toLowerCase());
    return { id: user.id, email: user.email, via: 'external' };
  }

  private async userFor(email: string): Promise<UserEntity> {
    const existing = await this.users.findByEmail(email);
    if (existing) return existing;
    const unusable = await hash(randomBytes(32).toString('base64url'), { algorithm: Algorithm.Argon2id });
    try {
      return await this.users.create(email, unusable);
    } catch (error) {
      // Two first requests at once: the other one created the account.
      const raced = error instanceof EmailTakenException ? await this.users.findByEmail(email) : null;
      if (raced) return raced;
      throw error;
    }
  }
}
