/**
 * Interim authentication of the import API's callers: `Authorization: Basic base64(client_id:secret)`
 * of a client a region administrator created (secret stored as SHA-256 only: it is 32 random bytes,
 * so a slow hash adds nothing), scope `esms.import`. One small module on purpose: when the
 * identity-provider work brings OAuth client credentials, this file is what gets swapped.
 */
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { timingSafeEqual } from 'node:crypto';
import { esmsErrors } from './esms.errors.js';
import { getApiClientWithSecretHash } from './esms.repository.js';

export interface ApiCaller {
  clientId: string;
  name: string;
  regionCode: string;
  scope: 'esms.import';
}

/** A new client id and its secret (shown once) with the hash to store. */
export function newClientCredentials(): { clientId: string; secret: string; secretHash: Buffer } {
  const clientId = `esms-${randomToken(9).toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12).padEnd(12, '0')}`;
  const secret = randomToken(32);
  return { clientId, secret, secretHash: sha256(secret) };
}

/** The caller of an API request, or API_UNAUTHENTICATED (the same answer for an unknown id and a wrong secret). */
export async function authenticateApiCaller(deps: Deps, request: FastifyRequest): Promise<ApiCaller> {
  const header = request.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]{4,400})$/.exec(header);
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const clientId = colon > 0 ? decoded.slice(0, colon) : '';
  const secret = colon > 0 ? decoded.slice(colon + 1) : '';
  const client = /^[a-z0-9-]{8,64}$/.test(clientId) ? await getApiClientWithSecretHash(deps.db, clientId) : undefined;
  // Compared in constant time, and hashed even for an unknown id so timing tells nothing.
  const presented = sha256(secret);
  const ok = client !== undefined && timingSafeEqual(presented, client.secret_hash) && client.scope === 'esms.import';
  if (!ok) throw esmsErrors.API_UNAUTHENTICATED();
  return { clientId: client.client_id, name: client.name, regionCode: client.region_code, scope: client.scope };
}
