import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthResponse, UserView } from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';
import { claimsOf, type TokenClaims, TokenType } from './token-claims';

/** Issues and checks the gateway's HS256 tokens; the secret and algorithm come from JwtModule's registration. */
@Injectable()
export class TokenService implements OnModuleInit {
  private readonly logger = new Logger(TokenService.name);

  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.JWT_SECRET_GENERATED) {
      this.logger.warn(
        'JWT_SECRET is not set: using a random secret, so tokens stop working when the process restarts',
      );
    }
  }

  /** A new refresh token id, chosen before the session row (which stores its hash) is written. */
  newTokenId(): string {
    return randomUUID();
  }

  async issue(user: UserView, sessionId: string, refreshJti: string): Promise<AuthResponse> {
    const claims = { sub: user.id, email: user.email, sid: sessionId };
    // jti makes every pair unique, even two issued for the same user within one second.
    const [accessToken, refreshToken] = await Promise.all([
      this.jwt.signAsync(
        { ...claims, typ: TokenType.Access },
        { expiresIn: this.config.JWT_ACCESS_TTL, jwtid: randomUUID() },
      ),
      this.jwt.signAsync(
        { ...claims, typ: TokenType.Refresh },
        { expiresIn: this.config.JWT_REFRESH_TTL, jwtid: refreshJti },
      ),
    ]);
    return { user: { id: user.id, email: user.email }, accessToken, refreshToken };
  }

  /** The claims of a valid, unexpired HS256 token of the given type carrying `exp`; null for anything else. */
  async verify(token: string, expected: TokenType): Promise<TokenClaims | null> {
    try {
      return claimsOf(await this.jwt.verifyAsync<object>(token, { algorithms: ['HS256'] }), expected);
    } catch {
      return null;
    }
  }
}
