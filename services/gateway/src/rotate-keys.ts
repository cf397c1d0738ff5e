import { ConfigValidationError, databaseEnv, KeyCipher, keyEncryptionEnv, loadConfig } from '@ultra/platform';
import { Pool } from 'pg';
import { z } from 'zod';
import { rotateProviderKeys } from './provider-keys/provider-key-rotation';

/**
 * `npm run rotate-keys` (node dist/rotate-keys.js): re-seals every stored provider key under the newest KEK. Put
 * the new key first in KEY_ENCRYPTION_KEYS (keeping the old ones), restart the services, run this, then drop
 * the old keys from the variable.
 */
async function main(): Promise<void> {
  const config = loadConfig('rotate-keys', z.object({ DATABASE_URL: databaseEnv.DATABASE_URL, ...keyEncryptionEnv }));
  if (!config.KEY_ENCRYPTION_KEYS) {
    throw new ConfigValidationError('rotate-keys', [{ variable: 'KEY_ENCRYPTION_KEYS', message: 'is required' }]);
  }
  const cipher = new KeyCipher(config.KEY_ENCRYPTION_KEYS);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    const moved = await rotateProviderKeys(pool, cipher);
    process.stdout.write(`rotate-keys: ${moved} provider key(s) re-encrypted under ${cipher.currentKid}\n`);
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
