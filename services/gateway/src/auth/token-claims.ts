import type { ApiKeyScope, UserRole } from '@ultra/contracts';
import { z } from 'zod';

/** `typ` keeps the two kinds apart: a refresh token is never accepted as an access token, nor the reverse. */
export const TokenType = { Access: 'access', Refresh: 'refresh' } as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

const claimsSchema = z.object({
  sub: z.uuid(),
  email: z.string().min(1),
  typ: z.enum([TokenType.Access, TokenType.Refresh]),
  /** The session (sign-in) the token belongs to; revoking it ends both kinds of token. */
  sid: z.uuid(),
  jti: z.string().min(1),
  // Required, not merely checked when present: a token that never expires is refused.
  exp: z.number().int(),
  iat: z.number().int(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

/** The caller as the JWT guard puts it on the request. */
export interface AuthUser {
  id: string;
  email: string;
  /** How the caller proved who they are: a local access token (the default), an API key, or an external IdP's JWT. */
  via?: 'jwt' | 'api_key' | 'external';
  /** An API key's scopes (what its owner's role still allows); only set when `via` is `api_key`. */
  scopes?: ApiKeyScope[];
  /** Loaded from the account on every request by AccountStatusGuard (not a claim: a change applies at once). */
  role?: UserRole;
  /** The session of a local access token (absent for API keys and external tokens). */
  sessionId?: string;
}

/** The verified payload when it is a well-formed token of the expected type, otherwise null. */
export function claimsOf(payload: unknown, expected: TokenType): TokenClaims | null {
  const parsed = claimsSchema.safeParse(payload);
  return parsed.success && parsed.data.typ === expected ? parsed.data : null;
}

/** The verified payload's user when it is a well-formed token of the expected type, otherwise null. */
export function userFromClaims(payload: unknown, expected: TokenType): AuthUser | null {
  const claims = claimsOf(payload, expected);
  return claims && { id: claims.sub, email: claims.email, sessionId: claims.sid };
}
