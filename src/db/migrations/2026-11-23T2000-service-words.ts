/**
 * R52: the words of each service's folded name, each with that name, in one btree: a broad search
 * ("cardiologie", 30 000 services on a regional directory) reads the services whose name has a word
 * starting with the typed one already in name order, instead of walking every service before them.
 * Kept by a trigger, whatever writes the service (the ROR sync, a test, a migration).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE establishment_service_words (
      word text COLLATE "C" NOT NULL,
      name_fold text COLLATE "C" NOT NULL,
      service_id integer NOT NULL REFERENCES establishment_services(id) ON DELETE CASCADE,
      PRIMARY KEY (word, name_fold, service_id)
    );
    CREATE INDEX establishment_service_words_service_idx ON establishment_service_words (service_id);

    CREATE FUNCTION establishment_service_words_of(name_fold text) RETURNS SETOF text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT DISTINCT w FROM regexp_split_to_table(name_fold, '[^a-z0-9]+') AS w WHERE length(w) >= 2 $$;

    CREATE FUNCTION establishment_service_words_sync() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        IF NEW.name_fold IS NOT DISTINCT FROM OLD.name_fold THEN RETURN NEW; END IF;
        DELETE FROM establishment_service_words WHERE service_id = OLD.id;
      END IF;
      INSERT INTO establishment_service_words (word, name_fold, service_id)
        SELECT w, NEW.name_fold, NEW.id FROM establishment_service_words_of(NEW.name_fold) AS w;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;

    CREATE TRIGGER establishment_service_words_sync AFTER INSERT OR UPDATE OF name ON establishment_services
      FOR EACH ROW EXECUTE FUNCTION establishment_service_words_sync();

    INSERT INTO establishment_service_words (word, name_fold, service_id)
      SELECT w, s.name_fold, s.id FROM establishment_services s, establishment_service_words_of(s.name_fold) AS w;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TRIGGER IF EXISTS establishment_service_words_sync ON establishment_services;
    DROP FUNCTION IF EXISTS establishment_service_words_sync();
    DROP TABLE IF EXISTS establishment_service_words;
    DROP FUNCTION IF EXISTS establishment_service_words_of(text);
  `.execute(db);
}
