import { z } from 'zod';

/** Optional sign-in through another identity provider: its RS256/ES256 JWTs, checked against its JWKS. */
export const externalIdentityEnv = {
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
};

type ExternalIdentityEnv = { [K in keyof typeof externalIdentityEnv]?: string };

/** Issuer and audience are required with AUTH_JWKS_URL: without them any token the IdP signs for anyone would do. */
export function checkExternalIdentity(config: ExternalIdentityEnv, ctx: z.RefinementCtx): void {
  if (!config.AUTH_JWKS_URL) return;
  for (const name of ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'] as const) {
    if (!config[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required with AUTH_JWKS_URL' });
  }
}
