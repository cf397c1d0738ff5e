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

/** `POST /api/auth/password`: the new password must meet the sign-up policy; the current one need not. */
export const changePasswordSchema = z.object({
  currentPassword: z.string({ error: 'currentPassword is required' }).min(1).max(256),
  newPassword: z
    .string({ error: 'newPassword is required' })
    .min(1, 'newPassword is required')
    .max(256, 'newPassword must be at most 256 characters'),
});
export type ChangePassword = z.infer<typeof changePasswordSchema>;

/** `PATCH /api/users/me`: changing the email needs the current password. */
export const updateMeSchema = z.object({
  email: z
    .email({ error: 'email must be a valid email address' })
    .max(254)
    .transform((e) => e.toLowerCase()),
  currentPassword: z.string({ error: 'currentPassword is required' }).min(1).max(256),
});
export type UpdateMe = z.infer<typeof updateMeSchema>;

/** `GET /api/users/me`: role and tier appear once accounts have them. */
export interface MeView extends UserView {
  role?: string;
  tier?: string;
  createdAt: string;
}
