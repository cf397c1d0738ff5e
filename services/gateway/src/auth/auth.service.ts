import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { AuthResponse, Credentials } from '@ultra/contracts';
import { InvalidCredentialsException, UnauthorizedException } from './auth.exception';
import { TokenType } from './token-claims';
import { TokenService } from './token.service';
import { UsersRepository } from './users.repository';

const HASH_OPTIONS = { algorithm: Algorithm.Argon2id };

@Injectable()
export class AuthService {
  // Verified against when the email is unknown, so sign-in takes as long whether or not the account exists.
  private readonly decoyHash = hash(randomUUID(), HASH_OPTIONS);

  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
  ) {}

  async register(credentials: Credentials): Promise<AuthResponse> {
    const passwordHash = await hash(credentials.password, HASH_OPTIONS);
    const user = await this.users.create(credentials.email, passwordHash);
    return this.tokens.issue(user);
  }

  async login(credentials: Credentials): Promise<AuthResponse> {
    const user = await this.users.findByEmail(credentials.email);
    const valid = await verify(user?.passwordHash ?? (await this.decoyHash), credentials.password);
    if (!user || !valid) throw new InvalidCredentialsException();
    return this.tokens.issue(user);
  }

  /** A new pair for a valid refresh token whose user still exists. */
  async refresh(refreshToken: string): Promise<AuthResponse> {
    const claimed = await this.tokens.verify(refreshToken, TokenType.Refresh);
    const user = claimed && (await this.users.findById(claimed.id));
    if (!user) throw new UnauthorizedException('refresh token is invalid or has expired');
    return this.tokens.issue(user);
  }
}
