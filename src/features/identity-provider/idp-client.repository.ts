/** THE owner of `idp_clients`: the modules and partners registered by a region administrator. */
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, IdpClientTable } from '../../db/schema.js';

type Q = Kysely<Database>;

const COLUMNS = [
  'id',
  'client_id',
  'name',
  'redirect_uris',
  'post_logout_redirect_uris',
  'backchannel_logout_uri',
  'scopes',
  'domains',
  'auth_method',
  'jwks',
  'disabled_at',
  'created_at',
  'updated_at',
] as const;

/** A client as the provider needs it, with its secret's hash (never its secret: it is not stored). */
export async function getEnabledWithSecretHash(db: Q, clientId: string) {
  return db
    .selectFrom('idp_clients')
    .select([...COLUMNS, 'secret_hash'])
    .where('client_id', '=', clientId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}

export type ProviderClientRow = NonNullable<Awaited<ReturnType<typeof getEnabledWithSecretHash>>>;

export async function getById(db: Q, id: number) {
  return db.selectFrom('idp_clients').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function getByClientId(db: Q, clientId: string) {
  return db.selectFrom('idp_clients').select(COLUMNS).where('client_id', '=', clientId).executeTakeFirst();
}

export type ClientRow = NonNullable<Awaited<ReturnType<typeof getById>>>;

export async function list(db: Q) {
  return db.selectFrom('idp_clients').select(COLUMNS).orderBy('name').orderBy('id').execute();
}

export async function insert(db: Q, row: Insertable<IdpClientTable>): Promise<number> {
  const { id } = await db.insertInto('idp_clients').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function update(db: Q, id: number, changes: Updateable<IdpClientTable>): Promise<void> {
  await db.updateTable('idp_clients').set(changes).where('id', '=', id).execute();
}

/** The client's registered domains, for the claims (one small query). */
export async function domainsOf(db: Q, clientId: string): Promise<string[]> {
  const row = await db.selectFrom('idp_clients').select('domains').where('client_id', '=', clientId).executeTakeFirst();
  return row?.domains ?? [];
}

/** The domains a client may be registered for (the catalogue's). */
export async function listDomains(db: Q) {
  return db.selectFrom('domains').select(['code', 'name']).orderBy('name').execute();
}
