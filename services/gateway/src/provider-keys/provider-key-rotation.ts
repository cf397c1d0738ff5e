import { type KeyCipher, providerKeyAad } from '@ultra/platform';
import type { Pool, PoolClient } from 'pg';

interface SealedRow {
  user_id: string;
  provider: string;
  kid: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * Re-seals every provider key not sealed with the current KEK (the first of KEY_ENCRYPTION_KEYS), in one
 * transaction with the rows locked: either every key moves to the new KEK or none does. Returns how many moved.
 * Plaintexts exist only in this process' memory, one at a time.
 */
export async function rotateProviderKeys(pool: Pool, cipher: KeyCipher): Promise<number> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<SealedRow>(
      'SELECT user_id, provider, kid, iv, ciphertext, tag FROM provider_keys WHERE kid <> $1 FOR UPDATE',
      [cipher.currentKid],
    );
    for (const row of rows) {
      const aad = providerKeyAad(row.user_id, row.provider);
      const sealed = cipher.seal(cipher.open(row, aad), aad);
      await client.query(
        'UPDATE provider_keys SET kid = $3, iv = $4, ciphertext = $5, tag = $6 WHERE user_id = $1 AND provider = $2',
        [row.user_id, row.provider, sealed.kid, sealed.iv, sealed.ciphertext, sealed.tag],
      );
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
