/**
 * The reference catalogue every deployment needs: domains, rights (from the code constants) and
 * the profiles with their rights and who may grant them. Loaded at every start, idempotently:
 * rights are refreshed from the code; existing profiles are left as administrators shaped them.
 */
import type { Db } from '../database.js';
import type { LocationLevel } from '../schema.js';
import { RIGHTS, type Right } from '../../features/habilitations/habilitation.rights.js';

export const DOMAINS = [
  { code: 'SANITAIRE', name: 'Sanitaire' },
  { code: 'GRAND_AGE', name: 'Grand Âge' },
  { code: 'HANDICAP', name: 'Handicap' },
  { code: 'CPAM', name: 'CPAM' },
  { code: 'TND', name: 'TND' },
  { code: 'HNP', name: 'HNP' },
] as const;

export interface ProfileSpec {
  code: string;
  name: string;
  domain: string | null;
  level: LocationLevel;
  rights: Right[];
  grantedBy: string[];
  description: string;
}

const REFERENT_RIGHTS: Right[] = ['accounts.manage', 'habilitations.grant', 'habilitations.review', 'directory.read'];
const TERRITORY_RIGHTS: Right[] = [...REFERENT_RIGHTS, 'territory.supervise', 'observatory.order'];
const LOCAL_GRANTORS = ['REFERENT_STRUCTURE', 'REFERENT_UNITE', 'SANITAIRE_COORDINATION', 'GRAND_AGE_COORDINATION', 'SANITAIRE_REGION'];
const ESMS_ADMIN: Right[] = ['esms.notifications.read', 'esms.followup.write', 'directory.read'];
/**
 * R33, ADR 0009: the platform's regional administrator has no domain, so it is bound to none: it
 * grants the territory profiles of every domain and the first referents of any structure, which a
 * domain-bound territory profile cannot do outside its own domain.
 */
const PLATFORM_ADMIN = 'ADMINISTRATEUR_REGIONAL';

export const PROFILES: ProfileSpec[] = [
  {
    code: 'REFERENT_STRUCTURE',
    name: 'Référent structure',
    domain: null,
    level: 'establishment',
    // R70: a structure referent orders the statistics of their structure (migration 2026-12-06T1400).
    rights: [...REFERENT_RIGHTS, 'directory.edit', 'observatory.order'],
    grantedBy: ['REFERENT_STRUCTURE', 'SANITAIRE_COORDINATION', 'GRAND_AGE_COORDINATION', 'SANITAIRE_REGION', PLATFORM_ADMIN],
    description: 'Administre les comptes et les habilitations de son établissement et de ses unités.',
  },
  {
    code: 'REFERENT_UNITE',
    name: 'Référent unité',
    domain: null,
    level: 'unit',
    rights: REFERENT_RIGHTS,
    grantedBy: ['REFERENT_STRUCTURE', 'SANITAIRE_COORDINATION', 'GRAND_AGE_COORDINATION', 'SANITAIRE_REGION', PLATFORM_ADMIN],
    description: 'Administre les comptes et les habilitations de son unité.',
  },
  {
    code: 'SANITAIRE_PRESCRIPTEUR',
    name: 'Sanitaire - Prescripteur',
    domain: 'SANITAIRE',
    level: 'unit',
    rights: ['referrals.send', 'referrals.medical.read', 'directory.read'],
    grantedBy: LOCAL_GRANTORS,
    description: 'Crée et envoie les demandes d’admission depuis son unité.',
  },
  {
    code: 'SANITAIRE_RECEVEUR',
    name: 'Sanitaire - Receveur',
    domain: 'SANITAIRE',
    level: 'unit',
    rights: ['referrals.receive', 'referrals.medical.read', 'directory.read'],
    grantedBy: LOCAL_GRANTORS,
    description: 'Reçoit et traite les demandes d’admission adressées à son unité.',
  },
  {
    code: 'SANITAIRE_COORDINATION',
    name: 'Sanitaire - Coordination',
    domain: 'SANITAIRE',
    level: 'department',
    rights: TERRITORY_RIGHTS,
    grantedBy: ['SANITAIRE_REGION', PLATFORM_ADMIN],
    description: 'Accompagne les structures sanitaires de son département.',
  },
  {
    code: 'SANITAIRE_REGION',
    name: 'Sanitaire - Région',
    domain: 'SANITAIRE',
    level: 'region',
    rights: [...TERRITORY_RIGHTS, 'directory.edit', 'clients.manage'],
    grantedBy: ['SANITAIRE_REGION', PLATFORM_ADMIN],
    description: 'Pilote le service pour les structures sanitaires de la région.',
  },
  {
    code: 'GRAND_AGE_MEDECIN_COORDONNATEUR',
    name: 'Grand Âge - Médecin Coordonnateur',
    domain: 'GRAND_AGE',
    level: 'establishment',
    rights: ['referrals.receive', 'referrals.medical.read', 'directory.read'],
    grantedBy: LOCAL_GRANTORS,
    description: 'Étudie le volet médical des demandes adressées à l’établissement.',
  },
  {
    code: 'GRAND_AGE_ACCOMPAGNANT_PA_MEDICAL',
    name: 'Grand Âge - Accompagnant PA médical',
    domain: 'GRAND_AGE',
    level: 'establishment',
    rights: ['referrals.send', 'referrals.medical.read', 'directory.read'],
    grantedBy: LOCAL_GRANTORS,
    description: 'Accompagne une personne âgée dans ses demandes, volet médical compris.',
  },
  {
    code: 'GRAND_AGE_COORDINATION',
    name: 'Grand Âge - Coordination',
    domain: 'GRAND_AGE',
    level: 'department',
    rights: TERRITORY_RIGHTS,
    grantedBy: ['SANITAIRE_REGION', PLATFORM_ADMIN],
    description: 'Accompagne les établissements pour personnes âgées de son département.',
  },
  {
    code: 'GRAND_AGE_DIRECTION',
    name: 'Grand Âge - Direction',
    domain: 'GRAND_AGE',
    level: 'establishment',
    rights: ['referrals.receive', 'habilitations.review', 'directory.read', 'directory.edit', 'observatory.order'],
    grantedBy: LOCAL_GRANTORS,
    description: 'Dirige l’établissement : admissions, fiche descriptive, statistiques.',
  },
  {
    code: 'HANDICAP_ESMS_ADMINISTRATIF',
    name: 'Handicap - ESMS Administratif',
    domain: 'HANDICAP',
    level: 'establishment',
    rights: ESMS_ADMIN,
    grantedBy: LOCAL_GRANTORS,
    description: 'Tableau de bord des notifications, récupération manuelle, actions de suivi.',
  },
  {
    code: 'HANDICAP_ESMS_SOCIAL',
    name: 'Handicap - ESMS Social, Éducatif, Pédagogique',
    domain: 'HANDICAP',
    level: 'establishment',
    rights: [...ESMS_ADMIN, 'esms.evaluation.read'],
    grantedBy: LOCAL_GRANTORS,
    description: 'Profil administratif, plus l’évaluation des besoins.',
  },
  {
    code: 'HANDICAP_ESMS_MEDICAL',
    name: 'Handicap - ESMS Médical, Paramédical, Psychologue',
    domain: 'HANDICAP',
    level: 'establishment',
    rights: [...ESMS_ADMIN, 'esms.evaluation.read', 'esms.medical.read'],
    grantedBy: LOCAL_GRANTORS,
    description: 'Profil social, éducatif et pédagogique, plus les données médicales.',
  },
  {
    code: 'HANDICAP_ACCOMPAGNANT_PH',
    name: 'Accompagnant PH - non médical',
    domain: 'HANDICAP',
    level: 'establishment',
    rights: ['referrals.send', 'directory.read'],
    grantedBy: LOCAL_GRANTORS,
    description: 'Accompagne une personne en situation de handicap dans ses demandes, sans le volet médical.',
  },
  {
    code: 'CPAM_CONSEILLER',
    name: 'CPAM - Conseiller',
    domain: 'CPAM',
    level: 'establishment',
    rights: ['referrals.receive', 'directory.read'],
    grantedBy: LOCAL_GRANTORS,
    description: 'Suit les demandes qui relèvent de l’assurance maladie.',
  },
  // R70: the Handicap statistics of a department or a region (Observatoire, issue 15); no other right.
  {
    code: 'HANDICAP_COORDINATION',
    name: 'Handicap - Coordination',
    domain: 'HANDICAP',
    level: 'department',
    rights: ['observatory.order', 'directory.read'],
    // R33 (ADR 0009): a Handicap territory profile is named by the regional administrator, not by a Sanitaire region.
    grantedBy: [PLATFORM_ADMIN],
    description: 'Commande les statistiques Handicap (notifications ESMS) de son département.',
  },
  {
    code: 'HANDICAP_REGION',
    name: 'Handicap - Région',
    domain: 'HANDICAP',
    level: 'region',
    rights: ['observatory.order', 'directory.read'],
    grantedBy: [PLATFORM_ADMIN],
    description: 'Commande les statistiques Handicap (notifications ESMS) de la région.',
  },
  {
    code: 'TND_REFERENT_REGIONAL',
    name: 'TND - Référent régional',
    domain: 'TND',
    level: 'region',
    rights: ['territory.supervise', 'habilitations.review', 'observatory.order', 'directory.read'],
    grantedBy: ['SANITAIRE_REGION', PLATFORM_ADMIN],
    description: 'Coordonne les plateformes TND de la région.',
  },
  {
    code: 'HNP_REGION',
    name: 'HNP - Région',
    domain: 'HNP',
    level: 'region',
    rights: ['territory.supervise', 'habilitations.review', 'observatory.order', 'directory.read'],
    grantedBy: ['SANITAIRE_REGION', PLATFORM_ADMIN],
    description: 'Pilote le volet HNP pour la région.',
  },
  {
    code: PLATFORM_ADMIN,
    name: 'Administration régionale de la plateforme',
    domain: null,
    level: 'region',
    rights: [...TERRITORY_RIGHTS, 'directory.edit'],
    grantedBy: [PLATFORM_ADMIN],
    description: 'Installe le service dans la région : profils de coordination et de région de tous les domaines, premiers référents des structures.',
  },
];

export async function loadCatalogue(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('domains').values([...DOMAINS]).onConflict((oc) => oc.column('code').doNothing()).execute();
    await trx
      .insertInto('rights')
      .values(Object.entries(RIGHTS).map(([code, label]) => ({ code, label })))
      .onConflict((oc) => oc.column('code').doUpdateSet((eb) => ({ label: eb.ref('excluded.label') })))
      .execute();
    const created = await trx
      .insertInto('profiles')
      .values(PROFILES.map((p) => ({ code: p.code, name: p.name, domain_code: p.domain, location_level: p.level, description: p.description })))
      .onConflict((oc) => oc.column('code').doNothing())
      .returning(['id', 'code'])
      .execute();
    if (created.length === 0) return;
    const ids = new Map((await trx.selectFrom('profiles').select(['id', 'code']).execute()).map((p) => [p.code, p.id]));
    const createdCodes = new Set(created.map((p) => p.code));
    const fresh = PROFILES.filter((p) => createdCodes.has(p.code));
    const rights = fresh.flatMap((p) => p.rights.map((right) => ({ profile_id: ids.get(p.code)!, right_code: right })));
    // A new profile gets its grantors, and becomes a grantor of the existing profiles the catalogue
    // says it grants (ADR 0009: the regional administrator added to a running deployment).
    const grantors = PROFILES.flatMap((p) =>
      p.grantedBy
        .filter((g) => ids.has(g) && (createdCodes.has(p.code) || createdCodes.has(g)))
        .map((g) => ({ profile_id: ids.get(p.code)!, grantor_profile_id: ids.get(g)! })),
    );
    if (rights.length > 0) await trx.insertInto('profile_rights').values(rights).execute();
    if (grantors.length > 0) await trx.insertInto('profile_grantors').values(grantors).onConflict((oc) => oc.doNothing()).execute();
  });
}
