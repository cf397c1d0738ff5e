import type { PatternInfo, PatternSpec } from '@ultra/contracts';
import { api, ApiError } from '../../api/api-client';
import type { Problem } from './pattern-yaml-editor';

/** `GET /api/patterns/:id` and the answers of create and replace (the gateway's PatternDocument). */
export interface PatternDocument {
  pattern: PatternInfo;
  spec: PatternSpec;
}

export const patternPath = (id: string) => `/api/patterns/${encodeURIComponent(id)}`;

export const loadPattern = (id: string) => api.get<PatternDocument>(patternPath(id));

/**
 * Creates (no `id`) or replaces a pattern. A string is the YAML text and goes as `application/yaml`, which the
 * gateway parses itself, so its line numbers refer to the text the user sees.
 */
export function savePattern(document: string | Record<string, unknown>, id?: string): Promise<PatternDocument> {
  const [method, path] = id ? ['PUT', patternPath(id)] : ['POST', '/api/patterns'];
  if (typeof document === 'string') {
    return api.request<PatternDocument>(method, path, document, { headers: { 'content-type': 'application/yaml' } });
  }
  return api.request<PatternDocument>(method, path, document);
}

/** `POST /api/patterns/validate`: create's checks, nothing stored (the gateway's PatternValidation). */
export interface PatternValidation {
  valid: true;
  pattern: PatternSpec;
}

/** Checks a document as create would, without the id's uniqueness; YAML goes as text, like savePattern. */
export function validatePattern(document: string | Record<string, unknown>, signal?: AbortSignal) {
  const headers = typeof document === 'string' ? { 'content-type': 'application/yaml' } : undefined;
  return api.request<PatternValidation>('POST', '/api/patterns/validate', document, { headers, signal });
}

export const deletePattern = (id: string) => api.request<void>('DELETE', patternPath(id));

/** The per-field problems of a refused document (`details: [{path, message}]`); empty for other errors. */
export function problemsOf(error: unknown): Problem[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return [];
  return error.details.flatMap((d: unknown) => {
    const item = d as { path?: unknown; message?: unknown };
    return typeof item.message === 'string'
      ? [{ path: typeof item.path === 'string' ? item.path : '', message: item.message }]
      : [];
  });
}
