import { Body, Controller, Get, Patch } from '@nestjs/common';
import { type MeView, type UpdateMe, updateMeSchema } from '@ultra/contracts';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AccountService } from './account.service';
import { CurrentUser } from './current-user.decorator';
import type { AuthUser } from './token-claims';

@Controller('users/me')
export class UsersController {
  constructor(private readonly account: AccountService) {}

  @Get()
  me(@CurrentUser() user: AuthUser): Promise<MeView> {
    return this.account.me(user);
  }

  /** Changing the email needs the current password; 409 email_taken when another account has it. */
  @Patch()
  update(
    @CurrentUser() user: AuthUser,
    @Body(new ZodValidationPipe(updateMeSchema)) change: UpdateMe,
  ): Promise<MeView> {
    return this.account.updateMe(user, change);
  }
}
