/**
 * Demo data for a developer's or a trainer's machine: one region, three departments, twelve
 * establishments of varied kinds, about sixty professionals, habilitations in every state. Loaded
 * once, into an empty database, never in production. Dates are relative to the day of loading.
 */
import { sql } from 'kysely';
import type { Db } from '../database.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import { hashPassword } from '../../platform/passwords.js';
import { recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { proposeUsername } from '../../features/accounts/account.rules.js';
import { PROFILES } from './catalogue.js';
import { loadEsmsDemo } from './esms-demo.js';
import { actorLabel } from '../../platform/audit/audit.js';

/** Meets the password policy; published in the README and printed at start: demo only. */
export const DEMO_PASSWORD = 'Habilis-Demo-2026!';

interface DemoEstablishment {
  key: string;
  finess: string;
  name: string;
  category: string;
  domain: string;
  department: string;
  city: string;
  postcode: string;
  units: string[];
  rorSynced: boolean;
}

const ESTABLISHMENTS: DemoEstablishment[] = [
  { key: 'chu34', finess: '349900011', name: 'CHU de Montpellier (démo)', category: 'Centre hospitalier universitaire', domain: 'SANITAIRE', department: '34', city: 'Montpellier', postcode: '34090', units: ['Médecine interne', 'Cardiologie', 'Gériatrie aiguë', 'Service social'], rorSynced: true },
  { key: 'ssr34', finess: '349900029', name: 'Clinique SSR Les Oliviers', category: 'Soins de suite et de réadaptation', domain: 'SANITAIRE', department: '34', city: 'Castelnau-le-Lez', postcode: '34170', units: ['SSR polyvalent', 'SSR neurologique'], rorSynced: true },
  { key: 'ehpad34', finess: '349900037', name: 'EHPAD Les Tilleuls', category: 'EHPAD', domain: 'GRAND_AGE', department: '34', city: 'Lunel', postcode: '34400', units: ['Hébergement permanent', 'Unité protégée'], rorSynced: false },
  { key: 'ime34', finess: '349900045', name: 'IME Les Garrigues', category: 'Institut médico-éducatif', domain: 'HANDICAP', department: '34', city: 'Lodève', postcode: '34700', units: ['Externat', 'Internat'], rorSynced: true },
  { key: 'esat34', finess: '349900052', name: 'ESAT Les Ateliers du Lez', category: 'ESAT', domain: 'HANDICAP', department: '34', city: 'Prades-le-Lez', postcode: '34730', units: ['Atelier espaces verts'], rorSynced: false },
  { key: 'sessad34', finess: '349900060', name: 'SESSAD Pic Saint-Loup', category: 'SESSAD', domain: 'HANDICAP', department: '34', city: 'Saint-Mathieu-de-Tréviers', postcode: '34270', units: [], rorSynced: false },
  { key: 'pco34', finess: '349900078', name: 'PCO TND de l’Hérault', category: 'Plateforme de coordination et d’orientation', domain: 'TND', department: '34', city: 'Montpellier', postcode: '34000', units: [], rorSynced: false },
  { key: 'mdph34', finess: '349900086', name: 'MDPH de l’Hérault', category: 'Maison départementale des personnes handicapées', domain: 'HANDICAP', department: '34', city: 'Montpellier', postcode: '34000', units: [], rorSynced: false },
  { key: 'cpam34', finess: '349900094', name: 'CPAM de l’Hérault', category: 'Caisse primaire d’assurance maladie', domain: 'CPAM', department: '34', city: 'Montpellier', postcode: '34000', units: [], rorSynced: false },
  { key: 'chu30', finess: '309900015', name: 'CHU de Nîmes (démo)', category: 'Centre hospitalier universitaire', domain: 'SANITAIRE', department: '30', city: 'Nîmes', postcode: '30000', units: ['Médecine polyvalente', 'Neurologie'], rorSynced: true },
  { key: 'ehpad30', finess: '309900023', name: 'EHPAD Le Mas des Cigales', category: 'EHPAD', domain: 'GRAND_AGE', department: '30', city: 'Uzès', postcode: '30700', units: [], rorSynced: false },
  { key: 'ch48', finess: '489900017', name: 'Centre hospitalier de Mende (démo)', category: 'Centre hospitalier', domain: 'SANITAIRE', department: '48', city: 'Mende', postcode: '48000', units: ['Médecine', 'SSR'], rorSynced: true },
];

/** [first name, last name, profession] — about sixty professionals. */
const PEOPLE: [string, string, string][] = [
  ['Hélène', 'Martin', 'Cadre de santé'], ['Julien', 'Bernard', 'Secrétaire médical'], ['Camille', 'Dubois', 'Assistant de service social'],
  ['Nicolas', 'Thomas', 'Cadre de santé'], ['Sophie', 'Robert', 'Infirmier'], ['Antoine', 'Richard', 'Directeur d’établissement'],
  ['Claire', 'Petit', 'Infirmier coordinateur'], ['Mathieu', 'Durand', 'Directeur d’établissement'], ['Isabelle', 'Leroy', 'Secrétaire'],
  ['Olivier', 'Moreau', 'Éducateur spécialisé'], ['Nathalie', 'Simon', 'Chef de service'], ['Pierre', 'Laurent', 'Directeur d’établissement'],
  ['Céline', 'Lefèvre', 'Chef de service'], ['François', 'Michel', 'Coordinateur de parcours'], ['Valérie', 'Garcia', 'Gestionnaire'],
  ['Stéphane', 'David', 'Agent administratif'], ['Aurélie', 'Bertrand', 'Conseiller'], ['Laurent', 'Roux', 'Cadre de santé'],
  ['Émilie', 'Vincent', 'Secrétaire médical'], ['Sébastien', 'Fournier', 'Cadre de santé'], ['Sandrine', 'Morel', 'Directeur d’établissement'],
  ['Christophe', 'Girard', 'Cadre de santé'], ['Caroline', 'André', 'Médecin'], ['Thierry', 'Lefebvre', 'Médecin'],
  ['Anne', 'Mercier', 'Infirmier'], ['Philippe', 'Dupont', 'Médecin'], ['Marie', 'Lambert', 'Assistant de service social'],
  ['David', 'Bonnet', 'Infirmier'], ['Julie', 'François', 'Médecin coordonnateur'], ['Éric', 'Martinez', 'Aide-soignant'],
  ['Élodie', 'Legrand', 'Secrétaire'], ['Frédéric', 'Garnier', 'Éducateur spécialisé'], ['Laure', 'Faure', 'Psychologue'],
  ['Vincent', 'Rousseau', 'Secrétaire'], ['Audrey', 'Blanc', 'Moniteur d’atelier'], ['Guillaume', 'Guérin', 'Conseiller'],
  ['Mélanie', 'Muller', 'Médecin'], ['Jérôme', 'Henry', 'Infirmier'], ['Virginie', 'Roussel', 'Assistant de service social'],
  ['Alexandre', 'Nicolas', 'Secrétaire médical'], ['Karine', 'Perrin', 'Infirmier'], ['Romain', 'Morin', 'Médecin'],
  ['Delphine', 'Mathieu', 'Éducateur spécialisé'], ['Benoît', 'Clément', 'Infirmier'], ['Agnès', 'Gauthier', 'Secrétaire'],
  ['Yannick', 'Dumont', 'Psychomotricien'], ['Pauline', 'Lopez', 'Infirmier'], ['Cédric', 'Fontaine', 'Médecin'],
  ['Lucie', 'Chevalier', 'Conseiller'], ['Hugo', 'Robin', 'Coordinateur de parcours'], ['Manon', 'Masson', 'Chargé de mission'],
  ['Théo', 'Sanchez', 'Chargé de mission'], ['Chloé', 'Gérard', 'Médecin inspecteur'], ['Louis', 'Nguyen', 'Chargé de mission'],
  ['Inès', 'Boyer', 'Chargé de mission'], ['Arthur', 'Denis', 'Infirmier'], ['Léa', 'Lemaire', 'Secrétaire'],
  ['Gabriel', 'Duval', 'Infirmier'], ['Zoé', 'Joly', 'Aide-soignant'], ['Jules', 'Gautier', 'Assistant de service social'],
  // A liberal professional (R14) and the assistant they delegate to (R15): no habilitation, by nature.
  ['Paul', 'Fabre', 'Médecin généraliste'], ['Lina', 'Caron', 'Secrétaire médicale'],
];

const LIBERAL_PERSON = 60;
const ASSISTANT_PERSON = 61;

type HabilitationState = 'active' | 'ending15' | 'ending30' | 'expired' | 'deleted';

interface DemoHabilitation {
  person: number;
  profile: string;
  at: { establishment: string } | { unit: [string, string] } | { department: string } | { region: string };
  state?: HabilitationState;
}

/** Two referents per structure but the SESSAD (one only: R25's warning has something to show). */
const HABILITATIONS: DemoHabilitation[] = [
  // Referents
  { person: 0, profile: 'REFERENT_STRUCTURE', at: { establishment: 'chu34' } },
  { person: 1, profile: 'REFERENT_STRUCTURE', at: { establishment: 'chu34' } },
  { person: 2, profile: 'REFERENT_UNITE', at: { unit: ['chu34', 'Service social'] } },
  { person: 3, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ssr34' } },
  { person: 4, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ssr34' }, state: 'ending15' },
  { person: 5, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ehpad34' } },
  { person: 6, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ehpad34' } },
  { person: 7, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ime34' } },
  { person: 8, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ime34' } },
  { person: 9, profile: 'REFERENT_STRUCTURE', at: { establishment: 'esat34' } },
  { person: 10, profile: 'REFERENT_STRUCTURE', at: { establishment: 'esat34' } },
  { person: 11, profile: 'REFERENT_STRUCTURE', at: { establishment: 'sessad34' } },
  { person: 12, profile: 'REFERENT_STRUCTURE', at: { establishment: 'pco34' } },
  { person: 13, profile: 'REFERENT_STRUCTURE', at: { establishment: 'pco34' } },
  { person: 14, profile: 'REFERENT_STRUCTURE', at: { establishment: 'mdph34' } },
  { person: 15, profile: 'REFERENT_STRUCTURE', at: { establishment: 'mdph34' } },
  { person: 16, profile: 'REFERENT_STRUCTURE', at: { establishment: 'cpam34' } },
  { person: 17, profile: 'REFERENT_STRUCTURE', at: { establishment: 'cpam34' } },
  { person: 18, profile: 'REFERENT_STRUCTURE', at: { establishment: 'chu30' } },
  { person: 19, profile: 'REFERENT_STRUCTURE', at: { establishment: 'chu30' } },
  { person: 20, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ehpad30' } },
  { person: 21, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ehpad30' } },
  { person: 22, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ch48' } },
  { person: 23, profile: 'REFERENT_STRUCTURE', at: { establishment: 'ch48' } },
  // Hospital staff
  { person: 24, profile: 'SANITAIRE_PRESCRIPTEUR', at: { unit: ['chu34', 'Médecine interne'] } },
  { person: 25, profile: 'SANITAIRE_PRESCRIPTEUR', at: { unit: ['chu34', 'Cardiologie'] }, state: 'ending30' },
  { person: 26, profile: 'SANITAIRE_PRESCRIPTEUR', at: { unit: ['chu34', 'Service social'] } },
  { person: 27, profile: 'SANITAIRE_RECEVEUR', at: { unit: ['ssr34', 'SSR polyvalent'] } },
  { person: 28, profile: 'SANITAIRE_RECEVEUR', at: { unit: ['ssr34', 'SSR neurologique'] }, state: 'expired' },
  { person: 29, profile: 'SANITAIRE_PRESCRIPTEUR', at: { unit: ['chu30', 'Neurologie'] } },
  { person: 30, profile: 'SANITAIRE_RECEVEUR', at: { unit: ['ch48', 'SSR'] } },
  { person: 31, profile: 'SANITAIRE_PRESCRIPTEUR', at: { unit: ['ch48', 'Médecine'] }, state: 'deleted' },
  { person: 31, profile: 'SANITAIRE_RECEVEUR', at: { unit: ['ch48', 'Médecine'] } },
  // Grand Âge
  { person: 32, profile: 'GRAND_AGE_MEDECIN_COORDONNATEUR', at: { establishment: 'ehpad34' } },
  { person: 33, profile: 'GRAND_AGE_DIRECTION', at: { establishment: 'ehpad34' } },
  { person: 34, profile: 'GRAND_AGE_ACCOMPAGNANT_PA_MEDICAL', at: { establishment: 'chu34' } },
  { person: 35, profile: 'GRAND_AGE_MEDECIN_COORDONNATEUR', at: { establishment: 'ehpad30' }, state: 'ending15' },
  // Handicap — the three ESMS tiers
  { person: 36, profile: 'HANDICAP_ESMS_ADMINISTRATIF', at: { establishment: 'ime34' } },
  { person: 37, profile: 'HANDICAP_ESMS_SOCIAL', at: { establishment: 'ime34' } },
  { person: 38, profile: 'HANDICAP_ESMS_MEDICAL', at: { establishment: 'ime34' } },
  { person: 39, profile: 'HANDICAP_ESMS_ADMINISTRATIF', at: { establishment: 'esat34' } },
  { person: 40, profile: 'HANDICAP_ESMS_SOCIAL', at: { establishment: 'sessad34' } },
  { person: 41, profile: 'HANDICAP_ACCOMPAGNANT_PH', at: { establishment: 'mdph34' } },
  { person: 42, profile: 'HANDICAP_ESMS_MEDICAL', at: { establishment: 'sessad34' }, state: 'ending30' },
  // CPAM, TND
  { person: 43, profile: 'CPAM_CONSEILLER', at: { establishment: 'cpam34' } },
  { person: 44, profile: 'CPAM_CONSEILLER', at: { establishment: 'cpam34' }, state: 'deleted' },
  { person: 45, profile: 'SANITAIRE_PRESCRIPTEUR', at: { unit: ['chu34', 'Gériatrie aiguë'] } },
  // Territories
  { person: 50, profile: 'SANITAIRE_COORDINATION', at: { department: '34' } },
  { person: 51, profile: 'GRAND_AGE_COORDINATION', at: { department: '30' } },
  { person: 52, profile: 'SANITAIRE_REGION', at: { region: '76' } },
  { person: 53, profile: 'TND_REFERENT_REGIONAL', at: { region: '76' } },
  { person: 54, profile: 'HNP_REGION', at: { region: '76' } },
  // More staff
  { person: 46, profile: 'SANITAIRE_RECEVEUR', at: { unit: ['chu30', 'Médecine polyvalente'] } },
  { person: 47, profile: 'SANITAIRE_PRESCRIPTEUR', at: { unit: ['chu30', 'Médecine polyvalente'] } },
  { person: 48, profile: 'HANDICAP_ESMS_ADMINISTRATIF', at: { establishment: 'ime34' }, state: 'ending15' },
  { person: 49, profile: 'GRAND_AGE_ACCOMPAGNANT_PA_MEDICAL', at: { establishment: 'ehpad30' } },
  { person: 55, profile: 'SANITAIRE_PRESCRIPTEUR', at: { unit: ['ssr34', 'SSR polyvalent'] } },
  { person: 56, profile: 'HANDICAP_ESMS_ADMINISTRATIF', at: { establishment: 'esat34' } },
  { person: 57, profile: 'SANITAIRE_RECEVEUR', at: { unit: ['chu34', 'Gériatrie aiguë'] } },
  // Person 58: blocked (active habilitation). Person 59: deactivated (only an expired one).
  { person: 58, profile: 'SANITAIRE_PRESCRIPTEUR', at: { unit: ['chu34', 'Médecine interne'] } },
  { person: 59, profile: 'SANITAIRE_RECEVEUR', at: { unit: ['chu34', 'Cardiologie'] }, state: 'expired' },
];

const BLOCKED_PERSON = 58;

const profileName = (code: string) => PROFILES.find((p) => p.code === code)?.name ?? code;
const DEACTIVATED_PERSON = 59;

/** The logins printed at start, by role. */
export const DEMO_LOGINS: { role: string; person: number }[] = [
  { role: 'Référent structure (CHU de Montpellier)', person: 0 },
  { role: 'Référent unité (Service social)', person: 2 },
  { role: 'Référent unique (SESSAD, moins de 2 référents)', person: 11 },
  { role: 'Utilisateur simple (prescripteur)', person: 24 },
  { role: 'ESMS Médical (IME)', person: 38 },
  { role: 'Coordination Sanitaire (Hérault)', person: 50 },
  { role: 'Région Sanitaire (Occitanie)', person: 52 },
  { role: 'Professionnel libéral (Mes assistants)', person: LIBERAL_PERSON },
  { role: 'Assistante du professionnel libéral (Mes délégations)', person: ASSISTANT_PERSON },
  { role: 'Compte bloqué', person: BLOCKED_PERSON },
  { role: 'Compte désactivé', person: DEACTIVATED_PERSON },
  // ESMS notifications (issue 14): one account per tier at the IME (vroussel, the medical tier, is listed above).
  { role: 'ESMS Administratif (IME, niveau 1)', person: 36 },
  { role: 'ESMS Social, éducatif (IME, niveau 2)', person: 37 },
];

export function demoUsername(person: number): string {
  const [first, last] = PEOPLE[person]!;
  return proposeUsername(first, last);
}

function datesFor(state: HabilitationState, today: string): { start_date: string; end_date: string } {
  switch (state) {
    case 'active':
      return { start_date: addToDate(today, { months: -6 }), end_date: addToDate(today, { months: 18 }) };
    case 'ending15':
      return { start_date: addToDate(today, { years: -1 }), end_date: addToDate(today, { days: 10 }) };
    case 'ending30':
      return { start_date: addToDate(today, { years: -1 }), end_date: addToDate(today, { days: 25 }) };
    case 'expired':
      return { start_date: addToDate(today, { years: -2 }), end_date: addToDate(today, { days: -20 }) };
    case 'deleted':
      return { start_date: addToDate(today, { months: -8 }), end_date: addToDate(today, { months: 16 }) };
  }
}

/** Loads the demo data if the database has no establishment yet. Returns true when it loaded them. */
export async function loadDemoData(db: Db, now: Date): Promise<boolean> {
  const today = parisDate(now);
  // One hash for every demo account: they share a published password, so distinct salts would protect nothing.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    // Serialise concurrent first starts of several nodes on one database.
    await sql`select pg_advisory_xact_lock(76001)`.execute(trx);
    const already = await trx.selectFrom('establishments').select('id').limit(1).executeTakeFirst();
    if (already) return false;

    await trx.insertInto('regions').values({ code: '76', name: 'Occitanie' }).onConflict((oc) => oc.doNothing()).execute();
    await trx
      .insertInto('departments')
      .values([
        { code: '30', name: 'Gard', region_code: '76' },
        { code: '34', name: 'Hérault', region_code: '76' },
        { code: '48', name: 'Lozère', region_code: '76' },
      ])
      .onConflict((oc) => oc.doNothing())
      .execute();
    const chuEntity = await trx
      .insertInto('legal_entities')
      .values({ finess: '349900003', name: 'Centre hospitalier universitaire de Montpellier (démo)' })
      .returning('id')
      .executeTakeFirstOrThrow();

    const establishmentIds = new Map<string, number>();
    const unitIds = new Map<string, number>();
    for (const e of ESTABLISHMENTS) {
      const { id } = await trx
        .insertInto('establishments')
        .values({
          finess: e.finess,
          name: e.name,
          category: e.category,
          domain_code: e.domain,
          legal_entity_id: e.key === 'chu34' ? chuEntity.id : null,
          department_code: e.department,
          address: '1 rue de la Démonstration',
          postcode: e.postcode,
          city: e.city,
          ror_synced: e.rorSynced,
          ror_synced_at: e.rorSynced ? now : null,
          ror_id: e.rorSynced ? `ror-${e.finess}` : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      establishmentIds.set(e.key, id);
      for (const unitName of e.units) {
        const unit = await trx
          .insertInto('units')
          .values({ establishment_id: id, name: unitName })
          .returning('id')
          .executeTakeFirstOrThrow();
        unitIds.set(`${e.key}/${unitName}`, unit.id);
      }
    }

    const accountIds: number[] = [];
    for (const [index, [firstName, lastName, profession]] of PEOPLE.entries()) {
      const username = proposeUsername(firstName, lastName);
      const { id } = await trx
        .insertInto('accounts')
        .values({
          username,
          first_name: firstName,
          last_name: lastName,
          email: `${username}@demo.habilis.localhost`,
          email_verified_at: now,
          phone: `04 67 00 ${String(10 + index).padStart(2, '0')} ${String(20 + index).padStart(2, '0')}`,
          profession,
          password_hash: passwordHash,
          password_changed_at: now,
          terms_version_accepted: null,
          blocked_at: index === BLOCKED_PERSON ? now : null,
          failed_login_count: index === BLOCKED_PERSON ? 5 : 0,
          deactivated_at: index === DEACTIVATED_PERSON ? now : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      accountIds.push(id);
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        subjectAccountId: id,
        code: 'ACCOUNT_CREATED',
        description: 'Création du compte',
        details: { source: 'données de démonstration' },
        at: now,
      });
      if (index === BLOCKED_PERSON) {
        await recordAudit(trx, { actor: SYSTEM_ACTOR, subjectAccountId: id, code: 'ACCOUNT_BLOCKED', description: 'Blocage du compte après 5 mots de passe erronés', at: now });
      }
      if (index === DEACTIVATED_PERSON) {
        await recordAudit(trx, { actor: SYSTEM_ACTOR, subjectAccountId: id, code: 'ACCOUNT_DEACTIVATED', description: 'Désactivation du compte : aucune habilitation valide', at: now });
      }
    }

    const profileIds = new Map((await trx.selectFrom('profiles').select(['id', 'code']).execute()).map((p) => [p.code, p.id]));
    for (const h of HABILITATIONS) {
      const state = h.state ?? 'active';
      const location =
        'establishment' in h.at
          ? { establishment_id: establishmentIds.get(h.at.establishment)! }
          : 'unit' in h.at
            ? { unit_id: unitIds.get(`${h.at.unit[0]}/${h.at.unit[1]}`)! }
            : 'department' in h.at
              ? { department_code: h.at.department }
              : { region_code: h.at.region };
      const accountId = accountIds[h.person]!;
      const profileId = profileIds.get(h.profile);
      if (!profileId) throw new Error(`profil inconnu : ${h.profile}`);
      await trx
        .insertInto('habilitations')
        .values({
          account_id: accountId,
          profile_id: profileId,
          ...location,
          ...datesFor(state, today),
          email_notifications: h.person % 3 !== 0,
          deleted_at: state === 'deleted' ? now : null,
        })
        .execute();
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        subjectAccountId: accountId,
        code: 'HABILITATION_GRANTED',
        description: `Ajout de l’habilitation ${profileName(h.profile)}`,
        details: { profile: h.profile, source: 'données de démonstration' },
        at: now,
      });
      if (state === 'deleted') {
        await recordAudit(trx, {
          actor: SYSTEM_ACTOR,
          subjectAccountId: accountId,
          code: 'HABILITATION_DELETED',
          description: `Suppression de l’habilitation ${profileName(h.profile)}`,
          details: { profile: h.profile },
          at: now,
        });
      }
    }
    const liberalId = accountIds[LIBERAL_PERSON]!;
    const assistantId = accountIds[ASSISTANT_PERSON]!;
    await trx.insertInto('liberal_practices').values({ account_id: liberalId, specialty: 'Médecine générale', address: '12 avenue de la Gare', postcode: '34000', city: 'Montpellier', created_at: now }).execute();
    const [assistantFirst, assistantLast] = PEOPLE[ASSISTANT_PERSON]!;
    const { id: delegationId } = await trx
      .insertInto('assistant_delegations')
      .values({
        professional_account_id: liberalId,
        assistant_account_id: assistantId,
        invited_last_name: assistantLast,
        invited_first_name: assistantFirst,
        invited_email: `${demoUsername(ASSISTANT_PERSON)}@demo.habilis.localhost`,
        files: 'write',
        medical: 'read',
        autonomy: 'read',
        status: 'active',
        invitation_expires_at: now,
        created_at: now,
        accepted_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const subject of [liberalId, assistantId]) {
      await recordAudit(trx, {
        actor: SYSTEM_ACTOR,
        subjectAccountId: subject,
        code: 'ASSISTANT_INVITATION_ACCEPTED',
        description: `Assistant ${assistantFirst} ${assistantLast.toUpperCase()} du professionnel libéral (données de démonstration)`,
        details: { delegationId, source: 'données de démonstration' },
        at: now,
      });
    }
    // ESMS notifications of the demo IME, ESAT and SESSAD (issue 14), followed up by their administrative profiles.
    const actor = (person: number) => ({ accountId: accountIds[person]!, label: actorLabel({ first_name: PEOPLE[person]![0], last_name: PEOPLE[person]![1], username: demoUsername(person) }) });
    const units = (key: string) => [...unitIds].filter(([k]) => k.startsWith(`${key}/`)).map(([, id]) => id);
    await loadEsmsDemo(trx, [
      { establishmentId: establishmentIds.get('ime34')!, unitIds: units('ime34'), category: '183', actor: actor(36) },
      { establishmentId: establishmentIds.get('esat34')!, unitIds: units('esat34'), category: '246', actor: actor(39) },
      { establishmentId: establishmentIds.get('sessad34')!, unitIds: units('sessad34'), category: '182', actor: actor(40) },
    ], now);
    return true;
  });
}
