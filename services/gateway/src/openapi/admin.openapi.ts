import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  adminAuditQuerySchema,
  adminUserListQuerySchema,
  adminUserPatchSchema,
  auditEventTypes,
  auditListQuerySchema,
  userRoles,
  userTiers,
} from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const auditEvent = z
  .object({
    id: z.uuid(),
    type: z.enum(auditEventTypes),
    userId: z.uuid().nullable().meta({ description: 'The account; null for a failed sign-in to an unknown email.' }),
    actorId: z.uuid().nullable().meta({ description: 'The admin who acted; null when the user acted (or the CLI).' }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).meta({ description: 'e.g. `{from, to}` of a tier or role change.' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'AuditEvent' });

const auditPage = z
  .object({ events: z.array(auditEvent), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditPage' });

const adminUser = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: z.enum(userRoles),
    tier: z.enum(userTiers),
    disabledAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'AdminUser' });

const adminUsage = z
  .object({
    userId: z.uuid(),
    day: z.string().meta({ description: 'The UTC day, `yyyy-mm-dd`.' }),
    requests: z.number().int(),
    analyses: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
    limits: z.object({
      tier: z.enum(userTiers),
      requestsPerMinute: z.number().int(),
      analysesPerMinute: z.number().int(),
      dailyBudgetUsd: z.number(),
    }),
    resetsAt: z.iso.datetime(),
  })
  .meta({ id: 'AdminUserUsage' });

const userIdParams = z.object({ id: z.uuid().meta({ description: "The user's id." }) });
const adminOnly = 'Admins only (role `admin`, made with `npm run admin`); 403 `forbidden` for anyone else.';
const tag = 'admin';

/** `GET /api/users/me/audit` and `/api/admin/*` (README: "Admin", "Audit log"). */
export function registerAdmin(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'get',
    path: '/api/users/me/audit',
    tag: 'audit',
    summary: "The caller's security events, newest first",
    description: 'Sign-ups, sign-ins (and failed ones), logouts, password and email changes, keys, admin changes.',
    query: auditListQuerySchema,
    success: { status: 200, description: 'A page of events.', schema: auditPage },
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/admin/users',
    tag,
    summary: 'List accounts, newest first',
    description: adminOnly,
    query: adminUserListQuerySchema,
    success: {
      status: 200,
      description: 'A page of accounts.',
      schema: z.object({ users: z.array(adminUser), nextCursor: z.string().nullable() }).meta({ id: 'AdminUserPage' }),
    },
    errors: ['forbidden'],
  });
  addRoute(registry, {
    method: 'patch',
    path: '/api/admin/users/{id}',
    tag,
    summary: "Set an account's tier or role, or disable it",
    description:
      `${adminOnly} Disabling revokes every session of the account at once: its tokens answer 401 from the next ` +
      'request on and it cannot sign in (401 `account_disabled`). Each change is recorded in the audit log. An ' +
      'admin cannot disable or demote themself (400).',
    params: userIdParams,
    body: adminUserPatchSchema.meta({ id: 'AdminUserPatch' }),
    success: { status: 200, description: 'The account as changed.', schema: adminUser },
    errors: ['forbidden', 'not_found'],
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/admin/users/{id}/usage',
    tag,
    summary: "An account's usage of today (UTC) and its limits",
    description: adminOnly,
    params: userIdParams,
    success: { status: 200, description: "Today's figures.", schema: adminUsage },
    errors: ['forbidden', 'not_found'],
  });
  addRoute(registry, {
    method: 'get',
    path: '/api/admin/audit',
    tag,
    summary: 'The audit log of every account, newest first',
    description: `${adminOnly} Filter by \`userId\` and \`type\`.`,
    query: adminAuditQuerySchema,
    success: { status: 200, description: 'A page of events.', schema: auditPage },
    errors: ['forbidden'],
  });
}
