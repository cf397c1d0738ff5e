/**
 * The web UI's pages: the gateway answers each of these paths with the UI's index.html (the browser's router takes
 * over from there), so a bookmarked or reloaded page works. Fastify and React Router read `:id` the same way.
 */
export const WEB_ROUTES = [
  '/',
  '/login',
  '/signup',
  '/analyses/new',
  '/analyses/:id',
  '/history',
  '/patterns',
  '/patterns/new',
  '/patterns/:id',
  '/settings',
  '/settings/:tab',
] as const;
export type WebRoute = (typeof WEB_ROUTES)[number];
