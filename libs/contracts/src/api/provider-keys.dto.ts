import { z } from 'zod';

/** `PUT /api/provider-keys/:provider`: the user's own key for that provider, and optionally where to reach it. */
export const providerKeyRequestSchema = z
  .object({
    apiKey: z
      .string()
      .min(8, 'apiKey must be at least 8 characters')
      .max(1_000, 'apiKey must be at most 1000 characters')
      .regex(/^[\x21-\x7e]+$/, 'apiKey must be printable ASCII without spaces'),
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'baseUrl must be an http:// or https:// URL' })
      .max(2_048, 'baseUrl must be at most 2048 characters')
      .optional(),
  })
  .strict();
export type ProviderKeyRequest = z.infer<typeof providerKeyRequestSchema>;

/** A stored provider key as the API shows it: never the key itself. */
export interface ProviderKeyView {
  provider: string;
  last4: string;
  baseUrl?: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface ProviderKeyList {
  providerKeys: ProviderKeyView[];
}
