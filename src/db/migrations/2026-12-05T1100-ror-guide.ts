/**
 * Directory on the real ROR (issue 16): the official code tables of regions and departments
 * (INSEE, Code officiel géographique 2025) as data, from which the ROR synchronisation creates a
 * department Habilis does not know yet; the closures the guide expresses by date and type
 * (definitive or temporary, with a reopening date) on establishments, units and places; the
 * hierarchy and type of internal organisations (units); the secure health messaging (MSSanté) address of an establishment and which of its contact fields
 * the ROR sends (the others belong to the referent); legal entities without a FINESS number (the
 * guide identifies some by their SIREN only); and accent- and case-insensitive search columns for
 * names, towns and addresses (R52).
 */
import { sql, type Kysely } from 'kysely';

/** INSEE COG 2025, regions: [code, name]. Facts, as published. */
const COG_REGIONS: [string, string][] = [
  ['01', 'Guadeloupe'],
  ['02', 'Martinique'],
  ['03', 'Guyane'],
  ['04', 'La Réunion'],
  ['06', 'Mayotte'],
  ['11', 'Île-de-France'],
  ['24', 'Centre-Val de Loire'],
  ['27', 'Bourgogne-Franche-Comté'],
  ['28', 'Normandie'],
  ['32', 'Hauts-de-France'],
  ['44', 'Grand Est'],
  ['52', 'Pays de la Loire'],
  ['53', 'Bretagne'],
  ['75', 'Nouvelle-Aquitaine'],
  ['76', 'Occitanie'],
  ['84', 'Auvergne-Rhône-Alpes'],
  ['93', "Provence-Alpes-Côte d'Azur"],
  ['94', 'Corse'],
];

/** INSEE COG 2025, departments: [code, name, region code]. */
const COG_DEPARTMENTS: [string, string, string][] = [
  ['01', 'Ain', '84'],
  ['02', 'Aisne', '32'],
  ['03', 'Allier', '84'],
  ['04', 'Alpes-de-Haute-Provence', '93'],
  ['05', 'Hautes-Alpes', '93'],
  ['06', 'Alpes-Maritimes', '93'],
  ['07', 'Ardèche', '84'],
  ['08', 'Ardennes', '44'],
  ['09', 'Ariège', '76'],
  ['10', 'Aube', '44'],
  ['11', 'Aude', '76'],
  ['12', 'Aveyron', '76'],
  ['13', 'Bouches-du-Rhône', '93'],
  ['14', 'Calvados', '28'],
  ['15', 'Cantal', '84'],
  ['16', 'Charente', '75'],
  ['17', 'Charente-Maritime', '75'],
  ['18', 'Cher', '24'],
  ['19', 'Corrèze', '75'],
  ['21', "Côte-d'Or", '27'],
  ['22', "Côtes-d'Armor", '53'],
  ['23', 'Creuse', '75'],
  ['24', 'Dordogne', '75'],
  ['25', 'Doubs', '27'],
  ['26', 'Drôme', '84'],
  ['27', 'Eure', '28'],
  ['28', 'Eure-et-Loir', '24'],
  ['29', 'Finistère', '53'],
  ['2A', 'Corse-du-Sud', '94'],
  ['2B', 'Haute-Corse', '94'],
  ['30', 'Gard', '76'],
  ['31', 'Haute-Garonne', '76'],
  ['32', 'Gers', '76'],
  ['33', 'Gironde', '75'],
  ['34', 'Hérault', '76'],
  ['35', 'Ille-et-Vilaine', '53'],
  ['36', 'Indre', '24'],
  ['37', 'Indre-et-Loire', '24'],
  ['38', 'Isère', '84'],
  ['39', 'Jura', '27'],
  ['40', 'Landes', '75'],
  ['41', 'Loir-et-Cher', '24'],
  ['42', 'Loire', '84'],
  ['43', 'Haute-Loire', '84'],
  ['44', 'Loire-Atlantique', '52'],
  ['45', 'Loiret', '24'],
  ['46', 'Lot', '76'],
  ['47', 'Lot-et-Garonne', '75'],
  ['48', 'Lozère', '76'],
  ['49', 'Maine-et-Loire', '52'],
  ['50', 'Manche', '28'],
  ['51', 'Marne', '44'],
  ['52', 'Haute-Marne', '44'],
  ['53', 'Mayenne', '52'],
  ['54', 'Meurthe-et-Moselle', '44'],
  ['55', 'Meuse', '44'],
  ['56', 'Morbihan', '53'],
  ['57', 'Moselle', '44'],
  ['58', 'Nièvre', '27'],
  ['59', 'Nord', '32'],
  ['60', 'Oise', '32'],
  ['61', 'Orne', '28'],
  ['62', 'Pas-de-Calais', '32'],
  ['63', 'Puy-de-Dôme', '84'],
  ['64', 'Pyrénées-Atlantiques', '75'],
  ['65', 'Hautes-Pyrénées', '76'],
  ['66', 'Pyrénées-Orientales', '76'],
  ['67', 'Bas-Rhin', '44'],
  ['68', 'Haut-Rhin', '44'],
  ['69', 'Rhône', '84'],
  ['70', 'Haute-Saône', '27'],
  ['71', 'Saône-et-Loire', '27'],
  ['72', 'Sarthe', '52'],
  ['73', 'Savoie', '84'],
  ['74', 'Haute-Savoie', '84'],
  ['75', 'Paris', '11'],
  ['76', 'Seine-Maritime', '28'],
  ['77', 'Seine-et-Marne', '11'],
  ['78', 'Yvelines', '11'],
  ['79', 'Deux-Sèvres', '75'],
  ['80', 'Somme', '32'],
  ['81', 'Tarn', '76'],
  ['82', 'Tarn-et-Garonne', '76'],
  ['83', 'Var', '93'],
  ['84', 'Vaucluse', '93'],
  ['85', 'Vendée', '52'],
  ['86', 'Vienne', '75'],
  ['87', 'Haute-Vienne', '75'],
  ['88', 'Vosges', '44'],
  ['89', 'Yonne', '27'],
  ['90', 'Territoire de Belfort', '27'],
  ['91', 'Essonne', '11'],
  ['92', 'Hauts-de-Seine', '11'],
  ['93', 'Seine-Saint-Denis', '11'],
  ['94', 'Val-de-Marne', '11'],
  ['95', "Val-d'Oise", '11'],
  ['971', 'Guadeloupe', '01'],
  ['972', 'Martinique', '02'],
  ['973', 'Guyane', '03'],
  ['974', 'La Réunion', '04'],
  ['976', 'Mayotte', '06'],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE cog_regions (
      code text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120)
    );
    CREATE TABLE cog_departments (
      code text PRIMARY KEY CHECK (code ~ '^([0-9]{2,3}|2A|2B)$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
      region_code text NOT NULL REFERENCES cog_regions(code)
    );
  `.execute(db);
  await db.insertInto('cog_regions').values(COG_REGIONS.map(([code, name]) => ({ code, name }))).execute();
  await db.insertInto('cog_departments').values(COG_DEPARTMENTS.map(([code, name, region_code]) => ({ code, name, region_code }))).execute();

  await sql`
    -- The guide identifies some legal entities by their SIREN alone (no FINESS number).
    ALTER TABLE legal_entities ALTER COLUMN finess DROP NOT NULL;

    -- Closures as the guide expresses them: a closing date and a type; a temporary closure may
    -- say when it ends. closed_at stays the state every page and search reads.
    ALTER TABLE establishments
      ADD COLUMN closes_on date,
      ADD COLUMN closure_type text CHECK (closure_type IN ('definitive', 'temporary')),
      ADD COLUMN reopens_on date,
      ADD COLUMN mssante text CHECK (length(mssante) <= 254),
      -- Which contact fields the ROR sends: those it does not send belong to the referent (R50, R51).
      ADD COLUMN phone_from_ror boolean NOT NULL DEFAULT false,
      ADD COLUMN email_from_ror boolean NOT NULL DEFAULT false,
      -- R52: names, towns and addresses found with or without accents, in any case.
      ADD COLUMN name_fold text COLLATE "C" GENERATED ALWAYS AS (habilis_fold(name)) STORED,
      ADD COLUMN city_fold text COLLATE "C" GENERATED ALWAYS AS (habilis_fold(city)) STORED,
      ADD COLUMN address_fold text COLLATE "C" GENERATED ALWAYS AS (habilis_fold(address)) STORED;
    UPDATE establishments SET phone_from_ror = phone IS NOT NULL, email_from_ror = email IS NOT NULL WHERE ror_synced;
    ALTER TABLE units
      -- Internal organisations keep the guide's hierarchy (pôle ⊃ service ⊃ unité fonctionnelle…) and type.
      ADD COLUMN parent_unit_id integer REFERENCES units(id),
      ADD COLUMN unit_type text CHECK (length(unit_type) <= 120),
      ADD COLUMN closes_on date,
      ADD COLUMN closure_type text CHECK (closure_type IN ('definitive', 'temporary')),
      ADD COLUMN reopens_on date,
      ADD COLUMN name_fold text COLLATE "C" GENERATED ALWAYS AS (habilis_fold(name)) STORED;
    ALTER TABLE establishment_locations
      ADD COLUMN closes_on date,
      ADD COLUMN closure_type text CHECK (closure_type IN ('definitive', 'temporary')),
      ADD COLUMN reopens_on date;

    DROP INDEX IF EXISTS establishments_name_trgm_idx;
    DROP INDEX IF EXISTS establishments_city_idx;
    DROP INDEX IF EXISTS units_name_trgm_idx;
    CREATE INDEX establishments_name_fold_trgm_idx ON establishments USING gin (name_fold gin_trgm_ops);
    CREATE INDEX establishments_address_fold_trgm_idx ON establishments USING gin (address_fold gin_trgm_ops);
    CREATE INDEX establishments_city_fold_idx ON establishments (city_fold);
    CREATE INDEX units_name_fold_trgm_idx ON units USING gin (name_fold gin_trgm_ops);
    -- The daily pass that starts and ends dated closures reads only the rows that have one.
    CREATE INDEX establishments_closes_on_idx ON establishments (closes_on) WHERE closes_on IS NOT NULL;
    CREATE INDEX units_closes_on_idx ON units (closes_on) WHERE closes_on IS NOT NULL;
    CREATE INDEX establishment_locations_closes_on_idx ON establishment_locations (closes_on) WHERE closes_on IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS establishments_closes_on_idx;
    DROP INDEX IF EXISTS units_closes_on_idx;
    DROP INDEX IF EXISTS establishment_locations_closes_on_idx;
    DROP INDEX IF EXISTS establishments_name_fold_trgm_idx;
    DROP INDEX IF EXISTS establishments_address_fold_trgm_idx;
    DROP INDEX IF EXISTS establishments_city_fold_idx;
    DROP INDEX IF EXISTS units_name_fold_trgm_idx;
    CREATE INDEX IF NOT EXISTS establishments_name_trgm_idx ON establishments USING gin (lower(name) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS establishments_city_idx ON establishments (lower(city) text_pattern_ops);
    CREATE INDEX IF NOT EXISTS units_name_trgm_idx ON units USING gin (lower(name) gin_trgm_ops);
    ALTER TABLE establishment_locations DROP COLUMN closes_on, DROP COLUMN closure_type, DROP COLUMN reopens_on;
    ALTER TABLE units DROP COLUMN parent_unit_id, DROP COLUMN unit_type, DROP COLUMN closes_on, DROP COLUMN closure_type, DROP COLUMN reopens_on, DROP COLUMN name_fold;
    ALTER TABLE establishments DROP COLUMN closes_on, DROP COLUMN closure_type, DROP COLUMN reopens_on, DROP COLUMN mssante,
      DROP COLUMN phone_from_ror, DROP COLUMN email_from_ror, DROP COLUMN name_fold, DROP COLUMN city_fold, DROP COLUMN address_fold;
    DROP TABLE IF EXISTS cog_departments;
    DROP TABLE IF EXISTS cog_regions;
  `.execute(db);
}
