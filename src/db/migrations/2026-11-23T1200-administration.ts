/**
 * Referent administration: an accent- and case-insensitive search text on accounts (trigram
 * index), and the record of expiry alerts so one end date is announced once (R37).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- unaccent() is only STABLE (its dictionary could change); this wrapper pins the dictionary so
    -- it can feed a generated column and an index.
    CREATE OR REPLACE FUNCTION habilis_fold(value text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;

    -- Collation "C": the text is already folded, and only "C" lets LIKE 'prefix%' use the btree.
    ALTER TABLE accounts ADD COLUMN search_text text COLLATE "C" GENERATED ALWAYS AS (
      habilis_fold(last_name || ' ' || first_name || ' ' || username || ' ' || email)
    ) STORED;
    CREATE INDEX accounts_search_trgm_idx ON accounts USING gin (search_text gin_trgm_ops);
    -- Alphabetical order of results (search_text starts with the folded last and first names):
    -- for a frequent word PostgreSQL walks this index and stops after one page.
    CREATE INDEX accounts_search_order_idx ON accounts (search_text, id);

    -- Each habilitation with the full chain of its place (unit ⊂ establishment ⊂ department ⊂ region):
    -- the scope checks of referents read it.
    CREATE VIEW habilitation_places AS
    SELECT h.id AS habilitation_id, h.account_id, h.profile_id, h.start_date, h.end_date, h.deleted_at,
           h.unit_id, e.id AS establishment_id, d.code AS department_code,
           coalesce(h.region_code, d.region_code) AS region_code
    FROM habilitations h
    LEFT JOIN units u ON u.id = h.unit_id
    LEFT JOIN establishments e ON e.id = coalesce(h.establishment_id, u.establishment_id)
    LEFT JOIN departments d ON d.code = coalesce(h.department_code, e.department_code);

    -- R37: one alert per habilitation and end date; a new end date may be announced again.
    CREATE TABLE habilitation_alerts (
      habilitation_id integer NOT NULL REFERENCES habilitations(id),
      end_date date NOT NULL,
      sent_at timestamptz NOT NULL,
      PRIMARY KEY (habilitation_id, end_date)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS habilitation_alerts;
    DROP VIEW IF EXISTS habilitation_places;
    DROP INDEX IF EXISTS accounts_search_trgm_idx, accounts_search_order_idx;
    ALTER TABLE accounts DROP COLUMN IF EXISTS search_text;
    DROP FUNCTION IF EXISTS habilis_fold(text);
  `.execute(db);
}
