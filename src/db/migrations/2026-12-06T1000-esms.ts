/**
 * The ESMS notifications of the Handicap module (issue 14, R60–R64, ADR 0007).
 *
 * Code systems are data, loaded here:
 *  - JDV_J252 (statuses of the person at the ESMS) and JDV_J253 (at the unit): codes and labels of the
 *    ANS code system TRE_R357-StatutPersonnePriseCharge (version 20231215120000, OID 1.2.250.1.213.3.3.247)
 *    as published with the ANS terminologies (the value set JDV_J252 of 2023-09-22 lists 37…72; the
 *    unit statuses are the 18x codes of the same code system). Source: the ANS guide
 *    `ansforge/IG-fhir-medicosocial-suivi-decisions-orientation` (profile ESMSTask binds statutESMS to
 *    JDV_J252, statutUnite to JDV_J253, motifs to TRE_R358) and the terminology package ans.fr.terminologies.
 *  - TRE_R358-MotifStatutPersonnePriseCharge (version 20231215120000, OID 1.2.250.1.213.3.3.248): the
 *    active codes we read (84…122; 90 "Décès" is deprecated since 2023-09-22 and is not loaded).
 *  - Orientation categories: the guide names TRE_R420 but its content was not available to us; we load
 *    the FINESS establishment categories of the orientations (IME 183, ITEP 186, SESSAD 182, ESAT 246,
 *    FAM 437, EAM 448, MAS 255, SAVS 446, SAMSAH 445), which are real national codes (ADR 0007).
 *  Which statuses require a reason, the stage of each status and the transitions are ours (ADR 0007):
 *  the table ASS_A32 the guide links to was not available.
 *
 * Tiers (R60) are tables: the decision and person (tier 1), esms_evaluations (tier 2),
 * esms_medical_data (tier 3). The follow-up history and the access log are append-only; the access
 * log is purged only through esms_access_log_purge() (R64).
 */
import { sql, type Kysely } from 'kysely';

export const ESMS_STATUSES: [code: string, label: string, valueSet: 'JDV_J252' | 'JDV_J253', stage: string | null, reasonRequired: boolean][] = [
  ['37', "Décision d'orientation annulée", 'JDV_J252', 'clotures', true],
  ['39', 'Notification envoyée', 'JDV_J252', 'a_traiter', false],
  ['40', 'Notification lue', 'JDV_J252', 'a_traiter', false],
  ['41', 'Contact effectué', 'JDV_J252', 'en_cours', false],
  ['42', "Liste d'attente. En cours d'analyse, demande d'admission reçue dans l'ESMS", 'JDV_J252', 'liste_attente', false],
  ['43', "Période d'essai en cours dans l'ESMS", 'JDV_J252', 'en_cours', false],
  ['44', "Période d'essai non concluante dans l'ESMS", 'JDV_J252', 'en_cours', true],
  ['45', 'Admission impossible signalée', 'JDV_J252', 'en_cours', true],
  ['46', 'Admission impossible entérinée', 'JDV_J252', 'clotures', true],
  ['47', 'Usager entré', 'JDV_J252', 'admis', false],
  ['48', 'Usager sorti', 'JDV_J252', 'clotures', true],
  ['49', 'Notification annulée', 'JDV_J252', 'clotures', true],
  ['51', "Demande de réorientation dans l'ESMS", 'JDV_J252', 'admis', true],
  ['54', 'Notification réactivée', 'JDV_J252', 'a_traiter', true],
  ['71', "Liste d'attente. Admis dans l'ESMS", 'JDV_J252', 'admis', false],
  ['72', "Liste d'attente. Admissible dans l'ESMS", 'JDV_J252', 'liste_attente', false],
  ['180', "Retiré de la liste d'attente ou accompagnement annulé", 'JDV_J253', null, true],
  ['181', "Période d'essai non concluante dans l'unité", 'JDV_J253', null, true],
  ['182', "Liste d'attente. En cours d'analyse, demande d'admission reçue dans l'unité", 'JDV_J253', null, false],
  ['183', "Liste d'attente. Admissible dans l'unité", 'JDV_J253', null, false],
  ['184', "Liste d'attente. Admis dans l'unité", 'JDV_J253', null, false],
  ['185', "Période d'essai en cours dans l'unité", 'JDV_J253', null, false],
  ['186', 'Usager pris en charge', 'JDV_J253', null, false],
  ['187', "Demande de réorientation dans l'unité", 'JDV_J253', null, true],
  ['188', 'Fin de prise en charge', 'JDV_J253', null, true],
];

export const ESMS_REASONS: [code: string, label: string][] = [
  ['84', "Le demandeur ne remplit pas les exigences d'admission"],
  ['85', 'Volonté du demandeur'],
  ['86', "Le plateau technique n'est pas adapté à la prise en charge de l'usager"],
  ['87', "L'usager est admis dans un autre ESMS suite à un déménagement"],
  ['88', 'Suite à la décision de la CDAPH'],
  ['89', "L'usager ne souhaite plus être pris en charge par l'ESMS"],
  ['91', "L'usager est admis dans un autre ESMS suite à une réorientation"],
  ['92', "Amélioration notoire de la situation de l'usager"],
  ['93', "Aggravation notoire de la situation de l'usager"],
  ['95', 'Annulation automatique'],
  ['98', 'Fin de validité de la notification'],
  ['100', "Volonté de l'usager"],
  ['109', 'Déménagement'],
  ['112', "Erreur d'utilisation du logiciel"],
  ['113', 'Eloignement géographique'],
  ['114', "Les ressources de l'ESMS ne sont pas suffisantes"],
  ['115', "L'ESMS n'est pas adapté au projet de vie actuel de l'usager"],
  ['116', "Le type de handicap ne relève pas de l'ESMS"],
  ['117', "La situation de l'usager a changé, l'ESMS n'est pas adapté"],
  ['118', "L'usager ou son représentant légal refuse de s'inscrire dans l'ESMS"],
  ['119', "L'usager a été admis dans un autre ESMS, l'orientation n'est plus pertinente"],
  ['120', "L'usager a déménagé, l'orientation n'est plus pertinente géographiquement"],
  ['121', "L'usager ou son représentant légal refuse d'adhérer au projet de vie de l'ESMS"],
  ['122', "L'âge de l'usager est incompatible"],
];

export const ESMS_CATEGORIES: [code: string, shortLabel: string, label: string][] = [
  ['183', 'IME', 'Institut médico-éducatif'],
  ['186', 'ITEP', 'Institut thérapeutique, éducatif et pédagogique'],
  ['182', 'SESSAD', "Service d'éducation spéciale et de soins à domicile"],
  ['246', 'ESAT', "Établissement et service d'aide par le travail"],
  ['437', 'FAM', "Foyer d'accueil médicalisé"],
  ['448', 'EAM', "Établissement d'accueil médicalisé en tout ou partie pour personnes handicapées"],
  ['255', 'MAS', "Maison d'accueil spécialisée"],
  ['446', 'SAVS', "Service d'accompagnement à la vie sociale"],
  ['445', 'SAMSAH', "Service d'accompagnement médico-social pour adultes handicapés"],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE esms_status_codes (
      code text PRIMARY KEY CHECK (code ~ '^[0-9]{1,4}$'),
      label text NOT NULL,
      value_set text NOT NULL CHECK (value_set IN ('JDV_J252', 'JDV_J253')),
      stage text CHECK (stage IN ('a_traiter', 'en_cours', 'liste_attente', 'admis', 'clotures')),
      reason_required boolean NOT NULL
    );
    CREATE TABLE esms_reason_codes (code text PRIMARY KEY CHECK (code ~ '^[0-9]{1,4}$'), label text NOT NULL);
    CREATE TABLE esms_orientation_categories (code text PRIMARY KEY, short_label text NOT NULL, label text NOT NULL);

    -- The person a decision is about (tier 1).
    CREATE TABLE esms_persons (
      id serial PRIMARY KEY,
      last_name text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
      first_name text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
      birth_date date NOT NULL,
      mdph_department text NOT NULL CHECK (mdph_department ~ '^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$'),
      mdph_individual_number text NOT NULL CHECK (mdph_individual_number ~ '^[A-Za-z0-9]{1,20}$'),
      search_text text GENERATED ALWAYS AS (lower(last_name || ' ' || first_name || ' ' || mdph_individual_number)) STORED,
      UNIQUE (mdph_department, mdph_individual_number)
    );
    CREATE INDEX esms_persons_retrieval_idx ON esms_persons(mdph_department, mdph_individual_number, birth_date);

    -- A CDAPH orientation decision (TDDUI fields), tier 1.
    CREATE TABLE esms_decisions (
      id serial PRIMARY KEY,
      national_id text NOT NULL UNIQUE CHECK (national_id ~ '^[A-Za-z0-9._-]{1,64}$'),       -- idNat_Decision
      mdph_decision_id text NOT NULL CHECK (length(mdph_decision_id) BETWEEN 1 AND 64),     -- idDecision
      person_id integer NOT NULL REFERENCES esms_persons(id),
      decision_date date NOT NULL,                                                          -- dateDecision
      right_nature text NOT NULL CHECK (length(right_nature) BETWEEN 1 AND 100),             -- natureDroit
      opening_date date NOT NULL,                                                           -- dateOuverture
      end_date date NOT NULL CHECK (end_date >= opening_date),                              -- dateEcheance
      category_code text NOT NULL REFERENCES esms_orientation_categories(code),
      creton boolean NOT NULL DEFAULT false,                                                -- amendement Creton
      imported_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX esms_decisions_person_idx ON esms_decisions(person_id);

    -- Tier 2: the needs evaluation (R60, eleven fields).
    CREATE TABLE esms_evaluations (
      decision_id integer PRIMARY KEY REFERENCES esms_decisions(id),
      care_arrangement text, difficulty text, schooling_situation text, schooling_time text,
      schooling_assessment text, vocational_training_level text, work_situation text,
      current_job_fitness text, vocational_prospects text, planned_evolution text, observed_evolution text
    );
    -- Tier 3: the medical data (R60, five fields).
    CREATE TABLE esms_medical_data (
      decision_id integer PRIMARY KEY REFERENCES esms_decisions(id),
      main_pathology text, rare_disease text, rare_disability text, main_impairment text, compensation_needs text
    );

    -- A decision addressed to one ESMS (establishment, optionally a unit): what the ESMS follows.
    CREATE TABLE esms_notifications (
      id serial PRIMARY KEY,
      decision_id integer NOT NULL REFERENCES esms_decisions(id),
      establishment_id integer NOT NULL REFERENCES establishments(id),
      unit_id integer REFERENCES units(id),
      status_code text NOT NULL REFERENCES esms_status_codes(code) DEFAULT '39',
      status_date date NOT NULL,
      status_reason_code text REFERENCES esms_reason_codes(code),
      version integer NOT NULL DEFAULT 1,
      retrieved_by_account_id integer REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (decision_id, establishment_id)
    );
    -- The dashboard: a tab's first page reads the ESMS's notifications newest first and stops at 50 of the tab's statuses;
    -- its counts by status are an index-only scan.
    CREATE INDEX esms_notifications_dashboard_idx ON esms_notifications(establishment_id, updated_at DESC, id DESC);
    CREATE INDEX esms_notifications_status_idx ON esms_notifications(establishment_id, status_code, unit_id);
    CREATE INDEX esms_notifications_updated_idx ON esms_notifications(updated_at, id);

    -- R61: the follow-up history, append-only, each line dated and attributed.
    CREATE TABLE esms_followups (
      id bigserial PRIMARY KEY,
      notification_id integer NOT NULL REFERENCES esms_notifications(id),
      status_code text NOT NULL REFERENCES esms_status_codes(code),
      status_date date NOT NULL,
      reason_code text REFERENCES esms_reason_codes(code),
      unit_id integer REFERENCES units(id),
      comment text CHECK (length(comment) <= 2000),
      actor_account_id integer REFERENCES accounts(id),
      actor_label text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX esms_followups_notification_idx ON esms_followups(notification_id, id);
    CREATE OR REPLACE FUNCTION esms_followups_append_only() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'l''historique du suivi est en ajout seul' USING ERRCODE = 'insufficient_privilege';
    END $$ LANGUAGE plpgsql;
    CREATE TRIGGER esms_followups_no_update BEFORE UPDATE OR DELETE ON esms_followups FOR EACH ROW EXECUTE FUNCTION esms_followups_append_only();
    CREATE TRIGGER esms_followups_no_truncate BEFORE TRUNCATE ON esms_followups FOR EACH STATEMENT EXECUTE FUNCTION esms_followups_append_only();

    -- R64: who read which notifications, at which tier, by which channel. Apart from the account history.
    CREATE TABLE esms_access_log (
      id bigserial PRIMARY KEY,
      occurred_at timestamptz NOT NULL,
      account_id integer REFERENCES accounts(id),
      actor_label text NOT NULL,
      notification_ids integer[] NOT NULL,
      tier smallint NOT NULL CHECK (tier BETWEEN 1 AND 3),
      channel text NOT NULL CHECK (channel IN ('page', 'json', 'export'))
    );
    CREATE INDEX esms_access_log_occurred_idx ON esms_access_log(occurred_at);
    CREATE INDEX esms_access_log_notifications_idx ON esms_access_log USING gin (notification_ids);
    -- Rows change never; they go only through esms_access_log_purge (retention, R64).
    CREATE OR REPLACE FUNCTION esms_access_log_append_only() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('habilis.esms_access_log_purge', true) = 'on' THEN RETURN OLD; END IF;
      RAISE EXCEPTION 'le journal des accès est en ajout seul' USING ERRCODE = 'insufficient_privilege';
    END $$ LANGUAGE plpgsql;
    CREATE TRIGGER esms_access_log_no_update BEFORE UPDATE OR DELETE ON esms_access_log FOR EACH ROW EXECUTE FUNCTION esms_access_log_append_only();
    CREATE TRIGGER esms_access_log_no_truncate BEFORE TRUNCATE ON esms_access_log FOR EACH STATEMENT EXECUTE FUNCTION esms_access_log_append_only();
    -- The one way out of the log: rows older than the instant given (the application computes it from its clock and ESMS_ACCESS_LOG_MONTHS).
    CREATE OR REPLACE FUNCTION esms_access_log_purge(before timestamptz) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE removed integer;
    BEGIN
      PERFORM set_config('habilis.esms_access_log_purge', 'on', true);
      DELETE FROM esms_access_log WHERE occurred_at < before;
      GET DIAGNOSTICS removed = ROW_COUNT;
      PERFORM set_config('habilis.esms_access_log_purge', 'off', true);
      RETURN removed;
    END $$;

    -- Callers of the import API (interim until OAuth client credentials): secret kept as SHA-256 only.
    CREATE TABLE esms_api_clients (
      id serial PRIMARY KEY,
      client_id text NOT NULL UNIQUE CHECK (client_id ~ '^[a-z0-9-]{8,64}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      secret_hash bytea NOT NULL,
      scope text NOT NULL CHECK (scope IN ('esms.import')),
      region_code text NOT NULL REFERENCES regions(code),
      created_by_account_id integer NOT NULL REFERENCES accounts(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );

    -- R40 grouping: when each account last received an ESMS notification e-mail.
    CREATE TABLE esms_mail_deliveries (
      account_id integer PRIMARY KEY REFERENCES accounts(id),
      last_sent_at timestamptz NOT NULL
    );
  `.execute(db);
  await db.insertInto('esms_status_codes').values(ESMS_STATUSES.map(([code, label, value_set, stage, reason_required]) => ({ code, label, value_set, stage, reason_required }))).execute();
  await db.insertInto('esms_reason_codes').values(ESMS_REASONS.map(([code, label]) => ({ code, label }))).execute();
  await db.insertInto('esms_orientation_categories').values(ESMS_CATEGORIES.map(([code, short_label, label]) => ({ code, short_label, label }))).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS esms_mail_deliveries, esms_api_clients, esms_access_log, esms_followups, esms_notifications,
      esms_medical_data, esms_evaluations, esms_decisions, esms_persons, esms_orientation_categories, esms_reason_codes, esms_status_codes;
    DROP FUNCTION IF EXISTS esms_access_log_purge(timestamptz), esms_access_log_append_only(), esms_followups_append_only();
  `.execute(db);
}
