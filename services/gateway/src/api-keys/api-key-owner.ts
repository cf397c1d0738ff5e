import { ApiKeyScope } from '@ultra/contracts';

/**
 * What a user's row says about the keys they may hold. The row is read as JSON so this works whether or not users
 * has `role` or a disabled marker yet: without `role`, everyone is a `user`.
 */
export function roleOf(owner: Record<string, unknown>): 'admin' | 'user' {
  return owner.role === 'admin' ? 'admin' : 'user';
}

/** Scopes a user of this role may give a key: `admin` only to admins. */
export function scopesAllowedTo(owner: Record<string, unknown>): ReadonlySet<ApiKeyScope> {
  const base: ApiKeyScope[] = [ApiKeyScope.Analyze, ApiKeyScope.Read];
  return new Set(roleOf(owner) === 'admin' ? [...base, ApiKeyScope.Admin] : base);
}

/** A disabled or (softly) deleted account; its keys stop working at once. */
export function isInactive(owner: Record<string, unknown>): boolean {
  const set = (value: unknown) => value !== undefined && value !== null && value !== false;
  return set(owner.disabled_at) || set(owner.deleted_at) || owner.disabled === true || owner.status === 'disabled';
}
