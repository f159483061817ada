/**
 * Habilis as the OpenID provider of the orientation modules (issue 17, R17):
 * - sessions record how and when their holder authenticated (`amr`, RFC 8176; `authenticated_at`,
 *   the ID token's auth_time): a rotation for a pending step keeps them, a new sign-in sets them;
 * - `idp_clients`: the modules and partners a region administrator registers (a secret is kept as
 *   its SHA-256 only, or the client authenticates by its own keys, private_key_jwt);
 * - `idp_keys`: the provider's signing keys, the private part encrypted (AES-256-GCM) with
 *   IDP_KEY_ENCRYPTION_KEY; rotated by `npm run idp:keys`;
 * - `idp_payloads`: oidc-provider's short-lived artifacts (interactions, codes, sessions, grants).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE sessions ADD COLUMN authenticated_at timestamptz;
    ALTER TABLE sessions ADD COLUMN amr text[] NOT NULL DEFAULT '{}';

    CREATE TABLE idp_clients (
      id serial PRIMARY KEY,
      client_id text NOT NULL UNIQUE CHECK (client_id ~ '^[a-z0-9][a-z0-9-]{2,62}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      redirect_uris text[] NOT NULL DEFAULT '{}',
      post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
      backchannel_logout_uri text CHECK (length(backchannel_logout_uri) <= 500),
      scopes text[] NOT NULL DEFAULT '{}',
      domains text[] NOT NULL DEFAULT '{}',
      auth_method text NOT NULL CHECK (auth_method IN ('client_secret_basic', 'private_key_jwt', 'none')),
      secret_hash text CHECK (length(secret_hash) = 64),
      jwks jsonb,
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      created_by integer REFERENCES accounts(id),
      CHECK (auth_method <> 'client_secret_basic' OR secret_hash IS NOT NULL),
      CHECK (auth_method <> 'private_key_jwt' OR jwks IS NOT NULL)
    );

    CREATE TABLE idp_keys (
      kid text PRIMARY KEY CHECK (length(kid) <= 100),
      alg text NOT NULL CHECK (alg IN ('RS256', 'ES256')),
      public_jwk jsonb NOT NULL,
      private_jwk_encrypted bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      retired_at timestamptz
    );

    CREATE TABLE idp_payloads (
      model text NOT NULL CHECK (length(model) <= 50),
      id text NOT NULL CHECK (length(id) <= 200),
      payload jsonb NOT NULL,
      grant_id text,
      uid text,
      user_code text,
      expires_at timestamptz,
      consumed_at timestamptz,
      PRIMARY KEY (model, id)
    );
    CREATE INDEX idp_payloads_grant_idx ON idp_payloads(grant_id) WHERE grant_id IS NOT NULL;
    CREATE INDEX idp_payloads_uid_idx ON idp_payloads(uid) WHERE uid IS NOT NULL;
    CREATE INDEX idp_payloads_expires_idx ON idp_payloads(expires_at);

    INSERT INTO rights (code, label) VALUES
      ('clients.manage', 'Enregistrer et modifier les applications clientes d’Habilis (modules d’orientation, partenaires)')
    ON CONFLICT (code) DO NOTHING;
    -- The region administrator registers the clients (the catalogue gives new databases the same).
    INSERT INTO profile_rights (profile_id, right_code)
    SELECT id, 'clients.manage' FROM profiles WHERE code = 'SANITAIRE_REGION'
    ON CONFLICT DO NOTHING;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DELETE FROM profile_rights WHERE right_code = 'clients.manage';
    DELETE FROM rights WHERE code = 'clients.manage';
    DROP TABLE idp_payloads;
    DROP TABLE idp_keys;
    DROP TABLE idp_clients;
    ALTER TABLE sessions DROP COLUMN amr;
    ALTER TABLE sessions DROP COLUMN authenticated_at;
  `.execute(db);
}
