/**
 * SQL of the referent's pages of accounts (R21–R24): the search (every account, the scope computed
 * for the page only), the accounts of a grant, one account with its habilitations and history.
 * Writes to accounts go through their owner, `accounts/account.repository.ts`.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import { accountWithCreator } from '../accounts/account.repository.js';
import { profileRights } from '../habilitations/habilitation.repository.js';

type Q = Kysely<Database>;

export interface SearchRow {
  id: number;
  username: string;
  last_name: string;
  first_name: string;
  email: string;
  blocked_at: Date | null;
  deactivated_at: Date | null;
  in_scope: boolean;
  /** R21: the establishments and units of the account's live habilitations, so that homonyms are told apart. */
  places: string | null;
}

/** Counting stops here: "plus de 1 000 comptes" tells a referent to type more. */
export const SEARCH_COUNT_CAP = 1000;

const likeEscape = (word: string) => word.replace(/[%_\\]/g, '\\$&');

/**
 * R21 search: every word of the query must appear, accents and case ignored, in the name, first
 * name, username or e-mail. Results come in three bands, each in alphabetical order: text that
 * *starts* with the first word (a last name typed first, the usual case), then e-mail addresses that
 * start with it, then the other matches.
 *
 * Why bands: `search_text` (last name, first name…) and `email_fold` are "C"-collated columns with
 * btree indexes, so the first two bands are index ranges read in order and stopped after one page,
 * even for a name shared by thousands; the third (trigram index) is read only when the first two do
 * not fill the page. Counting stops at SEARCH_COUNT_CAP, and the scope is computed for the page only.
 */
export async function searchAccounts(
  db: Q,
  words: string[],
  inScope: RawBuilder<boolean>,
  page: { limit: number; offset: number; today: string },
): Promise<{ rows: SearchRow[]; total: number; capped: boolean }> {
  const [head = '', ...rest] = words;
  const first = `${likeEscape(head)}%`;
  // The other words must appear anywhere; the first word's place decides the band. A prefix implies
  // "contains" (search_text holds the e-mail too), so the first two bands do not repeat it: that
  // leaves PostgreSQL the btree range as the obvious plan.
  // A one-letter word (R21) matches the start of a word (last name, first name, username, e-mail);
  // a longer one anywhere, as before.
  const anywhere = (word: string) => (word.length === 1 ? `% ${likeEscape(word)}%` : `%${likeEscape(word)}%`);
  let base = db.selectFrom('accounts');
  for (const word of rest) {
    // A one-letter word after the first filters the first word's rows only: written with strpos, which
    // no index serves, so that PostgreSQL never reads the trigram lists of "any word starting with j"
    // (a fifth of the accounts) to intersect them with a last name's few rows.
    base = word.length === 1 ? base.where(sql<boolean>`strpos(' ' || search_text, ${` ${word}`}) > 0`) : base.where('search_text', 'like', anywhere(word));
  }
  const bands = [
    { query: base.where('search_text', 'like', first), order: 'search_text' as const },
    { query: base.where('email_fold', 'like', first).where('search_text', 'not like', first), order: 'email_fold' as const },
    {
      query: base.where('search_text', 'like', anywhere(head)).where('search_text', 'not like', first).where('email_fold', 'not like', first),
      order: 'search_text' as const,
    },
  ];
  const pageIds: number[] = [];
  let seen = 0;
  for (const band of bands) {
    if (seen > SEARCH_COUNT_CAP) break;
    // A later band is counted only while the total is still below the cap.
    const count = (
      await db
        .selectFrom(band.query.select('id').limit(SEARCH_COUNT_CAP + 1 - seen).as('c'))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    const offset = Math.max(0, page.offset - seen);
    const wanted = page.limit - pageIds.length;
    if (wanted > 0 && offset < count) {
      const ids = await band.query.select('id').orderBy(band.order).orderBy('id').offset(offset).limit(wanted).execute();
      pageIds.push(...ids.map((r) => r.id));
    }
    seen += count;
  }
  const rows =
    pageIds.length === 0
      ? []
      : await db
          .selectFrom('accounts as a')
          .select(['a.id', 'a.username', 'a.last_name', 'a.first_name', 'a.email', 'a.blocked_at', 'a.deactivated_at', inScope.as('in_scope')])
          .select(
            sql<string | null>`(
              select string_agg(distinct coalesce(e.name || coalesce(' – ' || u.name, ''), 'Coordination ' || hp.department_code, 'Région ' || hp.region_code), ', ')
              from habilitation_places hp
              left join establishments e on e.id = hp.establishment_id
              left join units u on u.id = hp.unit_id
              where hp.account_id = a.id and hp.deleted_at is null and hp.end_date >= ${page.today}
            )`.as('places'),
          )
          .where('a.id', 'in', pageIds)
          .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { rows: pageIds.map((id) => byId.get(id)).filter((r): r is SearchRow => r !== undefined), total: Math.min(seen, SEARCH_COUNT_CAP), capped: seen > SEARCH_COUNT_CAP };
}

/**
 * The accounts among `ids` that lie in the scope, or (R26) whose username or e-mail is exactly one
 * of `identifiers`, as the grant page lists them (one query).
 */
export async function listAccountsForGrant(db: Q, ids: number[], inScope: RawBuilder<boolean>, identifiers: readonly string[]) {
  if (ids.length === 0) return [];
  const exact = identifiers.map((i) => i.trim().toLowerCase()).filter((i) => i.length > 0);
  return db
    .selectFrom('accounts as a')
    .select(['a.id', 'a.first_name', 'a.last_name', 'a.username', 'a.email', inScope.as('in_scope')])
    .where('a.id', 'in', ids)
    .where((eb) => (exact.length === 0 ? inScope : eb.or([inScope, eb(sql`lower(a.username)`, 'in', exact), eb(sql`lower(a.email)`, 'in', exact)])))
    .orderBy('a.last_name')
    .orderBy('a.first_name')
    .execute();
}

/** One account with whether it lies in the referent's scope (`inScope`, alias `a`). */
export async function getAccountInScope(db: Q, accountId: number, inScope: RawBuilder<boolean>) {
  return accountWithCreator(db).select(inScope.as('in_scope')).where('a.id', '=', accountId).executeTakeFirst();
}

export interface HabilitationRow {
  id: number;
  profile_id: number;
  profile_name: string;
  profile_code: string;
  start_date: string;
  end_date: string;
  email_notifications: boolean;
  created_at: Date;
  deleted_at: Date | null;
  deleted_by: string | null;
  unit_id: number | null;
  unit_name: string | null;
  establishment_id: number | null;
  establishment_name: string | null;
  department_code: string | null;
  department_name: string | null;
  region_code: string | null;
  region_name: string | null;
  rights: string[];
}

export async function listHabilitationsOfAccount(db: Q, accountId: number): Promise<HabilitationRow[]> {
  return db
    .selectFrom('habilitation_places as hp')
    .innerJoin('habilitations as h', 'h.id', 'hp.habilitation_id')
    .innerJoin('profiles as p', 'p.id', 'h.profile_id')
    .leftJoin('units as u', 'u.id', 'hp.unit_id')
    .leftJoin('establishments as e', 'e.id', 'hp.establishment_id')
    .leftJoin('departments as d', 'd.code', 'hp.department_code')
    .leftJoin('regions as r', 'r.code', 'hp.region_code')
    .leftJoin('accounts as deleter', 'deleter.id', 'h.deleted_by_account_id')
    .select([
      'h.id',
      'h.profile_id',
      'p.name as profile_name',
      'p.code as profile_code',
      'h.start_date',
      'h.end_date',
      'h.email_notifications',
      'h.created_at',
      'h.deleted_at',
      sql<string | null>`case when deleter.id is null then null else deleter.first_name || ' ' || upper(deleter.last_name) || ' (' || deleter.username || ')' end`.as('deleted_by'),
      'hp.unit_id',
      'u.name as unit_name',
      'hp.establishment_id',
      'e.name as establishment_name',
      'hp.department_code',
      'd.name as department_name',
      'hp.region_code',
      'r.name as region_name',
      profileRights().as('rights'),
    ])
    .where('hp.account_id', '=', accountId)
    .orderBy(sql`h.deleted_at is not null`)
    .orderBy('h.end_date', 'desc')
    .execute();
}

export async function listHistory(db: Q, accountId: number, limit = 200) {
  return db
    .selectFrom('audit_events')
    .select(['id', 'occurred_at as occurredAt', 'description', 'actor_label as actorLabel'])
    .where('subject_account_id', '=', accountId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
