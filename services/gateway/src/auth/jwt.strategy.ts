import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { APP_CONFIG } from '@ultra/platform';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { GatewayConfig } from '../config/gateway.config';
import { type AuthUser, TokenType, userFromClaims } from './token-claims';

export const JWT_STRATEGY = 'jwt';

/** Accepts `Authorization: Bearer <access token>`; passport-jwt checks signature, algorithm and expiry first. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(@Inject(APP_CONFIG) config: GatewayConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_SECRET,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  /** A refresh token is signed with the same secret, so its `typ` is what keeps it off the API. */
  validate(payload: unknown): AuthUser | false {
    return userFromClaims(payload, TokenType.Access) ?? false;
  }
}
