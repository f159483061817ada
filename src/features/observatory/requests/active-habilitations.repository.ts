/** SQL of "Habilitations actives par profil et par lieu" (R70): live on the last day of the period, in the order's scope. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { countByHabilitationPlace, liveHabilitations, type LiveWhere } from './live-habilitations.repository.js';

type Q = Kysely<Database>;
export async function countByProfile(db: Q, w: LiveWhere) {
  return liveHabilitations(db, w)
    .leftJoin('domains as dm', 'dm.code', 'p.domain_code')
    .select(['p.name as profile', sql<string>`coalesce(dm.name, 'Tous domaines')`.as('domain'), sql<number>`count(*)::int`.as('habilitations')])
    .groupBy(['p.id', 'p.name', 'dm.name'])
    .orderBy('p.name')
    .execute();
}

export async function countByPlace(db: Q, w: LiveWhere) {
  return countByHabilitationPlace(liveHabilitations(db, w), 'habilitations');
}
