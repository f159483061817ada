/**
 * oidc-provider's storage in PostgreSQL (its adapter contract): registered clients come from
 * `idp_clients` (a disabled client is unknown at once), every other artifact from `idp_payloads`.
 * Nothing lives in process memory, so any node answers any step of a flow.
 */
import type { Deps } from '../../deps.js';
import * as clients from './idp-client.repository.js';
import * as payloads from './idp-payload.repository.js';

/** The provider's metadata of a registered client: exact redirect URIs, its scopes, its domains, its secret's hash. */
export function clientMetadata(row: clients.ProviderClientRow): Record<string, unknown> {
  const userFlow = row.redirect_uris.length > 0;
  const apiScopes = row.scopes.filter((s) => !['openid', 'profile', 'email', 'rpps', 'habilitations'].includes(s));
  const grantTypes = [...(userFlow ? ['authorization_code'] : []), ...(apiScopes.length > 0 && row.auth_method !== 'none' ? ['client_credentials'] : [])];
  return {
    client_id: row.client_id,
    client_name: row.name,
    // oidc-provider compares secrets through Client.compareClientSecret, which Habilis makes compare SHA-256 hashes.
    ...(row.auth_method === 'client_secret_basic' ? { client_secret: row.secret_hash } : {}),
    ...(row.auth_method === 'private_key_jwt' ? { jwks: row.jwks, token_endpoint_auth_signing_alg: 'RS256' } : {}),
    token_endpoint_auth_method: row.auth_method,
    redirect_uris: row.redirect_uris,
    post_logout_redirect_uris: row.post_logout_redirect_uris,
    ...(row.backchannel_logout_uri ? { backchannel_logout_uri: row.backchannel_logout_uri, backchannel_logout_session_required: true } : {}),
    response_types: userFlow ? ['code'] : [],
    grant_types: grantTypes,
    scope: row.scopes.join(' '),
    require_auth_time: true,
    habilis_domains: row.domains,
  };
}

export function adapterFactory(deps: Deps) {
  return class PostgresAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: payloads.Payload, expiresIn?: number): Promise<void> {
      const expiresAt = expiresIn ? new Date(deps.clock.now().getTime() + expiresIn * 1000) : null;
      await payloads.upsert(deps.db, this.model, id, payload, expiresAt);
    }

    async find(id: string): Promise<payloads.Payload | undefined> {
      if (this.model === 'Client') {
        const row = await clients.getEnabledWithSecretHash(deps.db, id);
        return row ? clientMetadata(row) : undefined;
      }
      return payloads.find(deps.db, this.model, id, deps.clock.now());
    }

    async findByUid(uid: string) {
      return payloads.findByUid(deps.db, this.model, uid, deps.clock.now());
    }

    async findByUserCode(userCode: string) {
      return payloads.findByUserCode(deps.db, this.model, userCode, deps.clock.now());
    }

    async consume(id: string): Promise<void> {
      await payloads.consume(deps.db, this.model, id, deps.clock.now());
    }

    async destroy(id: string): Promise<void> {
      await payloads.destroy(deps.db, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await payloads.revokeByGrantId(deps.db, grantId);
    }
  };
}
