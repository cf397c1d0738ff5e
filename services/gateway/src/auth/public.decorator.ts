import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'ultra:public';

/** Lets a route skip the global JWT guard (sign-up, sign-in, refresh, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
