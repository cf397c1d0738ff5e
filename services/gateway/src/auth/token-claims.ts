import { z } from 'zod';

/** `typ` keeps the two kinds apart: a refresh token is never accepted as an access token, nor the reverse. */
export const TokenType = { Access: 'access', Refresh: 'refresh' } as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

const claimsSchema = z.object({
  sub: z.uuid(),
  email: z.string().min(1),
  typ: z.enum([TokenType.Access, TokenType.Refresh]),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

/** The caller as the JWT guard puts it on the request. */
export interface AuthUser {
  id: string;
  email: string;
}

/** The verified payload's user when it is a well-formed token of the expected type, otherwise null. */
export function userFromClaims(payload: unknown, expected: TokenType): AuthUser | null {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success || parsed.data.typ !== expected) return null;
  return { id: parsed.data.sub, email: parsed.data.email };
}
