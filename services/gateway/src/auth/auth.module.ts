import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ultra/platform';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import type { GatewayConfig } from '../config/gateway.config';
import { AccountService } from './account.service';
import { AccountStatusGuard } from './account-status.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordPolicyService } from './password-policy.service';
import { SessionCheckService } from './session-check.service';
import { SessionRevocationService } from './session-revocation.service';
import { SessionEntity } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { TokenService } from './token.service';
import { UserEntity } from './user.entity';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';

@Module({
  imports: [
    ApiKeysModule,
    TypeOrmModule.forFeature([UserEntity, SessionEntity]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: GatewayConfig) => ({
        secret: config.JWT_SECRET,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, UsersController],
  providers: [
    AuthService,
    TokenService,
    UsersRepository,
    JwtStrategy,
    AccountService,
    SessionsRepository,
    SessionRevocationService,
    SessionCheckService,
    PasswordPolicyService,
    LoginThrottleService,
    // Registered here so that no route can be added without deciding whether it is public.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    // After JwtAuthGuard (global guards run in registration order): the caller's account, role and disabled state.
    { provide: APP_GUARD, useClass: AccountStatusGuard },
  ],
  // Admins disabling or deleting a user end its sessions; a route checking a bearer token itself checks its session.
  exports: [SessionRevocationService, SessionCheckService],
})
export class AuthModule {}
