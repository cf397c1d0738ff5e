import { z } from 'zod';

export const credentialsSchema = z.object({
  email: z
    .email({ error: 'email must be a valid email address' })
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z
    .string({ error: 'password is required' })
    .min(8, 'password must be at least 8 characters')
    .max(256, 'password must be at most 256 characters'),
});
export type Credentials = z.infer<typeof credentialsSchema>;

export const refreshSchema = z.object({ refreshToken: z.string().min(1, 'refreshToken is required') });

export interface UserView {
  id: string;
  email: string;
}

export interface AuthResponse {
  user: UserView;
  accessToken: string;
  refreshToken: string;
}
