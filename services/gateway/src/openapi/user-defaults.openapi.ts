import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { type UserDefaultsView, userDefaultsRequestSchema } from '@ultra/contracts';
import { z } from 'zod';
import { addRoute } from './api-route';

const tag = 'users';
const path = '/api/users/me/defaults';

const userDefaults = z
  .object({
    models: z.array(z.string()).meta({ description: 'Catalog model ids, in order; empty when none are set.' }),
    ultraModel: z.string().nullable().meta({ description: 'One of `models`; null when none are set.' }),
    pattern: z.string().nullable().meta({ description: 'null: the server’s default pattern.' }),
  })
  .meta({ id: 'UserDefaults' }) satisfies z.ZodType<UserDefaultsView>;

const scopes = 'API keys may read it with the `read` scope and change it with `analyze`.';

/** `/api/users/me/defaults` (README: "Default panel"). */
export function registerUserDefaults(registry: OpenAPIRegistry): void {
  addRoute(registry, {
    method: 'get',
    path,
    tag,
    summary: 'The caller’s default panel',
    description: `Answers \`{models: [], ultraModel: null, pattern: null}\` when none is set (never 404). ${scopes}`,
    success: { status: 200, description: 'The default panel.', schema: userDefaults },
    errors: ['insufficient_scope'],
  });
  addRoute(registry, {
    method: 'put',
    path,
    tag,
    summary: 'Set (replace) the caller’s default panel',
    description:
      'Replaces the whole panel. Checked like `POST /api/analyze`: 1 to 8 distinct models, each in the catalog ' +
      '(400 unknown_model at `models.N`), `ultraModel` among them (default: the first; otherwise 400 ' +
      'validation_failed) and `pattern` a built-in or one of the caller’s own (400 unknown_pattern). Models need ' +
      `not be ready: a provider key may come later; analyses check readiness. ${scopes}`,
    body: userDefaultsRequestSchema.meta({ id: 'UserDefaultsRequest' }),
    success: { status: 200, description: 'The stored panel.', schema: userDefaults },
    errors: ['unknown_model', 'unknown_pattern', 'insufficient_scope'],
  });
  addRoute(registry, {
    method: 'delete',
    path,
    tag,
    summary: 'Clear the caller’s default panel',
    description: `Answers 204 whether or not one was set. ${scopes}`,
    success: { status: 204, description: 'Cleared.' },
    errors: ['insufficient_scope'],
  });
}
