/**
 * The provider's signing keys (issue 17): RSA keys whose private part is stored encrypted with
 * AES-256-GCM under IDP_KEY_ENCRYPTION_KEY, so a copy of the database signs nothing. The newest
 * live key signs; a retired key stays published for a day (tokens it signed live 5 minutes, and
 * clients cache JWKS) and is then deleted. `npm run idp:keys` rotates; each node signs with the new
 * key from its next start (docs/operations.md).
 */
import { createCipheriv, createDecipheriv, generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import type { Deps } from '../../deps.js';
import * as keys from './idp-key.repository.js';

/** How long a retired key stays published. */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 3_600_000;

export type PrivateJwk = JsonWebKey & { kid: string; alg: string; use: 'sig' };
export type PublicJwk = Omit<PrivateJwk, 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi'>;

function encrypt(key: Buffer, plain: string, kid: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The kid is authenticated with the key: an encrypted key moved under another kid does not decrypt.
  cipher.setAAD(Buffer.from(kid));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function decrypt(key: Buffer, sealed: Buffer, kid: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(kid));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
}

/** Creates a new signing key and makes it the current one; the others are retired (still published a day). */
export async function rotateSigningKey(deps: Deps): Promise<{ kid: string; retired: number; deleted: number }> {
  const now = deps.clock.now();
  const kid = `${now.toISOString().slice(0, 10)}-${randomBytes(6).toString('base64url')}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateJwk: PrivateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const publicJwk: PublicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return deps.db.transaction().execute(async (trx) => {
    await keys.insert(trx, { kid, alg: 'RS256', public_jwk: JSON.stringify(publicJwk) as never, private_jwk_encrypted: encrypt(deps.config.idp.keyEncryptionKey, JSON.stringify(privateJwk), kid), created_at: now });
    const retired = await keys.retireAllBut(trx, kid, now);
    const deleted = await keys.deleteRetiredBefore(trx, new Date(now.getTime() - RETIRED_KEY_PUBLISHED_MS));
    return { kid, retired, deleted };
  });
}

/** The published keys, private parts decrypted, current first; a first key is created when there is none. */
export async function loadSigningKeys(deps: Deps): Promise<PrivateJwk[]> {
  const since = new Date(deps.clock.now().getTime() - RETIRED_KEY_PUBLISHED_MS);
  let rows = await keys.listPublishedWithEncryptedPrivate(deps.db, since);
  if (!rows.some((row) => row.retired_at === null)) {
    await rotateSigningKey(deps);
    rows = await keys.listPublishedWithEncryptedPrivate(deps.db, since);
  }
  const live = rows.filter((row) => row.retired_at === null);
  const retired = rows.filter((row) => row.retired_at !== null);
  return [...live, ...retired].map((row) => JSON.parse(decrypt(deps.config.idp.keyEncryptionKey, row.private_jwk_encrypted, row.kid)) as PrivateJwk);
}

/** The public half of keys, for local verification of access tokens. */
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi']);

export function publicPart(key: PrivateJwk): PublicJwk {
  return Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_MEMBERS.has(name))) as PublicJwk;
}
