import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_SEARCH_CHARS } from './analysis-history.dto';

export const UserRole = { User: 'user', Admin: 'admin' } as const;
export type UserRole = (typeof UserRole)[keyof typeof UserRole];
export const userRoles = Object.values(UserRole) as [UserRole, ...UserRole[]];

/** The tiers a user can be on; their limits are the gateway's configuration (TIERS). */
export const userTiers = ['free', 'basic', 'premium', 'enterprise'] as const;
export type UserTier = (typeof userTiers)[number];

/** What the audit log records: security events of an account. */
export const AuditEventType = {
  Registered: 'registered',
  Login: 'login',
  LoginFailed: 'login_failed',
  Logout: 'logout',
  LogoutAll: 'logout_all',
  PasswordChanged: 'password_changed',
  EmailChanged: 'email_changed',
  ApiKeyCreated: 'api_key_created',
  ApiKeyRevoked: 'api_key_revoked',
  ProviderKeySet: 'provider_key_set',
  ProviderKeyDeleted: 'provider_key_deleted',
  TierChanged: 'tier_changed',
  UserDisabled: 'user_disabled',
  UserEnabled: 'user_enabled',
  RoleChanged: 'role_changed',
} as const;
export type AuditEventType = (typeof AuditEventType)[keyof typeof AuditEventType];
export const auditEventTypes = Object.values(AuditEventType) as [AuditEventType, ...AuditEventType[]];

/** Fastify turns a repeated query parameter into an array; each of these is read once. */
const once = (field: string) => z.string({ error: `${field} must be given once` });

const pageFields = {
  limit: once('limit')
    .pipe(
      z.coerce
        .number<string>({ error: 'limit must be a number' })
        .int('limit must be an integer')
        .min(1, 'limit must be at least 1')
        .max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`),
    )
    .default(DEFAULT_PAGE_SIZE)
    .meta({ description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` }),
  cursor: once('cursor')
    .max(200, 'cursor is not one this API made')
    .meta({ description: '`nextCursor` of the previous page (same filters).' })
    .optional(),
};

/** Query of `GET /api/users/me/audit`. */
export const auditListQuerySchema = z.object(pageFields);
export type AuditListQuery = z.output<typeof auditListQuerySchema>;

/** Query of `GET /api/admin/audit`. */
export const adminAuditQuerySchema = z.object({
  ...pageFields,
  userId: once('userId')
    .pipe(z.uuid({ error: 'userId must be a user id (UUID)' }))
    .optional(),
  type: once('type')
    .pipe(z.enum(auditEventTypes, { error: `type must be one of ${auditEventTypes.join(', ')}` }))
    .optional(),
});
export type AdminAuditQuery = z.output<typeof adminAuditQuerySchema>;

/** Query of `GET /api/admin/users`. */
export const adminUserListQuerySchema = z.object({
  ...pageFields,
  q: once('q')
    .max(MAX_SEARCH_CHARS, `q must be at most ${MAX_SEARCH_CHARS} characters`)
    .meta({ description: 'Part of the email, case-insensitive.' })
    .optional(),
});
export type AdminUserListQuery = z.output<typeof adminUserListQuerySchema>;

/** Body of `PATCH /api/admin/users/:id`: at least one field. */
export const adminUserPatchSchema = z
  .strictObject({
    tier: z.enum(userTiers, { error: `tier must be one of ${userTiers.join(', ')}` }).optional(),
    role: z.enum(userRoles, { error: `role must be one of ${userRoles.join(', ')}` }).optional(),
    disabled: z.boolean({ error: 'disabled must be true or false' }).optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'give at least one of tier, role, disabled',
  });
export type AdminUserPatch = z.infer<typeof adminUserPatchSchema>;

export interface AuditEventView {
  id: string;
  type: AuditEventType;
  /** The account the event is about; null for a failed login to an unknown email. */
  userId: string | null;
  /** Who acted, when not the user themself (an admin); null otherwise. */
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface AuditPage {
  events: AuditEventView[];
  nextCursor: string | null;
}

export interface AdminUserView {
  id: string;
  email: string;
  role: UserRole;
  tier: UserTier;
  disabledAt: string | null;
  createdAt: string;
}

export interface AdminUserPage {
  users: AdminUserView[];
  nextCursor: string | null;
}

/** `GET /api/admin/users/:id/usage`: the user's figures of the current UTC day, as `GET /api/users/me/usage` has them. */
export interface AdminUserUsage {
  userId: string;
  /** The UTC day, `yyyy-mm-dd`. */
  day: string;
  requests: number;
  analyses: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  limits: { tier: UserTier; requestsPerMinute: number; analysesPerMinute: number; dailyBudgetUsd: number };
  resetsAt: string;
}
