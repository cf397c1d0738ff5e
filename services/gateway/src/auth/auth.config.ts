import { z } from 'zod';

/** Sign-in, password and session settings, part of the gateway's configuration. */
export const authEnv = {
  /** Failed sign-ins of one account within 15 minutes before it is blocked for LOGIN_BLOCK_S (an IP gets 20×). */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  LOGIN_BLOCK_S: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Shortest password accepted at sign-up and on a password change (existing passwords still sign in). */
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(128).default(12),
  /**
   * How long a process trusts that a session and its user still exist in Postgres. Revocations through the API
   * apply at once regardless (Redis); this bounds only rows deleted behind the gateway's back.
   */
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
};
