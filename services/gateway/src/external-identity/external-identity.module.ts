import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity';
import { UsersRepository } from '../auth/users.repository';
import { ExternalIdentityService } from './external-identity.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersRepository, ExternalIdentityService],
  exports: [ExternalIdentityService],
})
export class ExternalIdentityModule {}
