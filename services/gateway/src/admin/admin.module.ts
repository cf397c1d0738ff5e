import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { UserEntity } from '../auth/user.entity';
import { LimitsModule } from '../limits/limits.module';
import { AdminController } from './admin.controller';
import { AdminGuard } from './admin.guard';
import { AdminUsersRepository } from './admin-users.repository';
import { AdminUsersService } from './admin-users.service';

/** `/api/admin/*`: accounts, their usage and the audit log, for admins only (AdminGuard). */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), AuthModule, LimitsModule],
  controllers: [AdminController],
  providers: [AdminGuard, AdminUsersRepository, AdminUsersService],
})
export class AdminModule {}
