import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { type AuthResponse, type Credentials, credentialsSchema, refreshSchema } from '@ultra/contracts';
import type { z } from 'zod';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AuthService } from './auth.service';
import { Public } from './public.decorator';

@Public()
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  register(@Body(new ZodValidationPipe(credentialsSchema)) credentials: Credentials): Promise<AuthResponse> {
    return this.auth.register(credentials);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  login(@Body(new ZodValidationPipe(credentialsSchema)) credentials: Credentials): Promise<AuthResponse> {
    return this.auth.login(credentials);
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  refresh(@Body(new ZodValidationPipe(refreshSchema)) body: z.infer<typeof refreshSchema>): Promise<AuthResponse> {
    return this.auth.refresh(body.refreshToken);
  }
}
