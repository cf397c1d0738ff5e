import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthResponse, UserView } from '@ultra/contracts';
import { APP_CONFIG } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';
import { type AuthUser, TokenType, userFromClaims } from './token-claims';

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

  async issue(user: UserView): Promise<AuthResponse> {
    const claims = { sub: user.id, email: user.email };
    // jti makes every pair unique, even two issued for the same user within one second.
    const [accessToken, refreshToken] = await Promise.all([
      this.jwt.signAsync(
        { ...claims, typ: TokenType.Access },
        { expiresIn: this.config.JWT_ACCESS_TTL, jwtid: randomUUID() },
      ),
      this.jwt.signAsync(
        { ...claims, typ: TokenType.Refresh },
        { expiresIn: this.config.JWT_REFRESH_TTL, jwtid: randomUUID() },
      ),
    ]);
    return { user: { id: user.id, email: user.email }, accessToken, refreshToken };
  }

  /** The user of a valid, unexpired token of the given type; null for anything else. */
  async verify(token: string, expected: TokenType): Promise<AuthUser | null> {
    try {
      return userFromClaims(await this.jwt.verifyAsync<object>(token), expected);
    } catch {
      return null;
    }
  }
}
