/**
 * Large synthetic data set for load tests and benchmarks: N accounts (1 000 000 by default), about
 * three habilitations each, 100 departments in 17 regions, establishments (30 000 for a million
 * accounts) with about five units each.
 *
 *   npm run db:generate -- --accounts 1000000
 *
 * Everything is set-based SQL (INSERT … SELECT FROM generate_series): a million accounts cost a few
 * dozen statements, not millions of round trips. Every value derives from the row number through a
 * seeded hash (hashint8extended), so two runs with the same `now` produce the same data.
 *
 * The generated rows are recognisable — usernames `gen.…`, establishment FINESS `989…`, legal entity
 * FINESS `9899…` — so the generator can run on a database holding the demo data or real data, and
 * refuses to run twice on the same database.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql, type RawBuilder } from 'kysely';
import { loadConfig } from '../../config.js';
import { createDatabase, type Db } from '../database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../embedded.js';
import { migrateToLatest } from '../migrate.js';
import type { LocationLevel } from '../schema.js';
import { loadCatalogue } from './catalogue.js';
import { TERMS_VERSION } from '../../features/auth/terms.js';
import { parisDate } from '../../platform/clock.js';
import { hashPassword } from '../../platform/passwords.js';
import { recordAudit, SYSTEM_ACTOR } from '../../platform/audit/audit.js';
import { generateNotifications, MAX_NOTIFICATIONS } from './esms-generate.js';

/**
 * The password of every generated account, so that a load test can log in with any of them. Never
 * run the generator on a production database (the CLI refuses when NODE_ENV=production).
 */
export const GENERATED_PASSWORD = 'Habilis-Gen-2026!';

export const DEFAULT_ACCOUNTS = 1_000_000;
/** Upper bound: keeps FINESS numbers (6 digits after `989`) and RPPS numbers within their formats. */
export const MAX_ACCOUNTS = 10_000_000;
/** Establishments per million accounts, as in a large region-wide deployment. */
const ESTABLISHMENTS_PER_MILLION = 30_000;
const MIN_ESTABLISHMENTS = 10;
/** Establishments per legal entity (one in two establishments belongs to one). */
const ESTABLISHMENTS_PER_LEGAL_ENTITY = 4;
/** Rows per statement: big enough to amortise each round trip, small enough to print progress and
 * keep the per-statement queue of foreign-key checks (held in memory until the statement ends) small. */
const BATCH = 100_000;

export const USERNAME_PREFIX = 'gen.';
export const ESTABLISHMENT_FINESS_PREFIX = '989';
const LEGAL_ENTITY_FINESS_PREFIX = '9899';

// ─── Reference lists ───────────────────────────────────────────────────────────────────────────

const REGIONS: [code: string, name: string][] = [
  ['01', 'Guadeloupe'], ['02', 'Martinique'], ['03', 'Guyane'], ['04', 'La Réunion'],
  ['11', 'Île-de-France'], ['24', 'Centre-Val de Loire'], ['27', 'Bourgogne-Franche-Comté'], ['28', 'Normandie'],
  ['32', 'Hauts-de-France'], ['44', 'Grand Est'], ['52', 'Pays de la Loire'], ['53', 'Bretagne'],
  ['75', 'Nouvelle-Aquitaine'], ['76', 'Occitanie'], ['84', 'Auvergne-Rhône-Alpes'],
  ['93', 'Provence-Alpes-Côte d’Azur'], ['94', 'Corse'],
];

/**
 * [code, name, region, prefecture, weight]: the 100 departments of France. The weight (1–3) gives the
 * most populated ones more establishments.
 */
const DEPARTMENTS: [string, string, string, string, number][] = [
  ['01', 'Ain', '84', 'Bourg-en-Bresse', 1], ['02', 'Aisne', '32', 'Laon', 1], ['03', 'Allier', '84', 'Moulins', 1],
  ['04', 'Alpes-de-Haute-Provence', '93', 'Digne-les-Bains', 1], ['05', 'Hautes-Alpes', '93', 'Gap', 1],
  ['06', 'Alpes-Maritimes', '93', 'Nice', 2], ['07', 'Ardèche', '84', 'Privas', 1], ['08', 'Ardennes', '44', 'Charleville-Mézières', 1],
  ['09', 'Ariège', '76', 'Foix', 1], ['10', 'Aube', '44', 'Troyes', 1], ['11', 'Aude', '76', 'Carcassonne', 1],
  ['12', 'Aveyron', '76', 'Rodez', 1], ['13', 'Bouches-du-Rhône', '93', 'Marseille', 3], ['14', 'Calvados', '28', 'Caen', 1],
  ['15', 'Cantal', '84', 'Aurillac', 1], ['16', 'Charente', '75', 'Angoulême', 1], ['17', 'Charente-Maritime', '75', 'La Rochelle', 1],
  ['18', 'Cher', '24', 'Bourges', 1], ['19', 'Corrèze', '75', 'Tulle', 1], ['2A', 'Corse-du-Sud', '94', 'Ajaccio', 1],
  ['2B', 'Haute-Corse', '94', 'Bastia', 1], ['21', 'Côte-d’Or', '27', 'Dijon', 1], ['22', 'Côtes-d’Armor', '53', 'Saint-Brieuc', 1],
  ['23', 'Creuse', '75', 'Guéret', 1], ['24', 'Dordogne', '75', 'Périgueux', 1], ['25', 'Doubs', '27', 'Besançon', 1],
  ['26', 'Drôme', '84', 'Valence', 1], ['27', 'Eure', '28', 'Évreux', 1], ['28', 'Eure-et-Loir', '24', 'Chartres', 1],
  ['29', 'Finistère', '53', 'Quimper', 1], ['30', 'Gard', '76', 'Nîmes', 1], ['31', 'Haute-Garonne', '76', 'Toulouse', 2],
  ['32', 'Gers', '76', 'Auch', 1], ['33', 'Gironde', '75', 'Bordeaux', 2], ['34', 'Hérault', '76', 'Montpellier', 2],
  ['35', 'Ille-et-Vilaine', '53', 'Rennes', 1], ['36', 'Indre', '24', 'Châteauroux', 1], ['37', 'Indre-et-Loire', '24', 'Tours', 1],
  ['38', 'Isère', '84', 'Grenoble', 2], ['39', 'Jura', '27', 'Lons-le-Saunier', 1], ['40', 'Landes', '75', 'Mont-de-Marsan', 1],
  ['41', 'Loir-et-Cher', '24', 'Blois', 1], ['42', 'Loire', '84', 'Saint-Étienne', 1], ['43', 'Haute-Loire', '84', 'Le Puy-en-Velay', 1],
  ['44', 'Loire-Atlantique', '52', 'Nantes', 2], ['45', 'Loiret', '24', 'Orléans', 1], ['46', 'Lot', '76', 'Cahors', 1],
  ['47', 'Lot-et-Garonne', '75', 'Agen', 1], ['48', 'Lozère', '76', 'Mende', 1], ['49', 'Maine-et-Loire', '52', 'Angers', 1],
  ['50', 'Manche', '28', 'Saint-Lô', 1], ['51', 'Marne', '44', 'Châlons-en-Champagne', 1], ['52', 'Haute-Marne', '44', 'Chaumont', 1],
  ['53', 'Mayenne', '52', 'Laval', 1], ['54', 'Meurthe-et-Moselle', '44', 'Nancy', 1], ['55', 'Meuse', '44', 'Bar-le-Duc', 1],
  ['56', 'Morbihan', '53', 'Vannes', 1], ['57', 'Moselle', '44', 'Metz', 1], ['58', 'Nièvre', '27', 'Nevers', 1],
  ['59', 'Nord', '32', 'Lille', 3], ['60', 'Oise', '32', 'Beauvais', 1], ['61', 'Orne', '28', 'Alençon', 1],
  ['62', 'Pas-de-Calais', '32', 'Arras', 2], ['63', 'Puy-de-Dôme', '84', 'Clermont-Ferrand', 1],
  ['64', 'Pyrénées-Atlantiques', '75', 'Pau', 1], ['65', 'Hautes-Pyrénées', '76', 'Tarbes', 1],
  ['66', 'Pyrénées-Orientales', '76', 'Perpignan', 1], ['67', 'Bas-Rhin', '44', 'Strasbourg', 2], ['68', 'Haut-Rhin', '44', 'Colmar', 1],
  ['69', 'Rhône', '84', 'Lyon', 3], ['70', 'Haute-Saône', '27', 'Vesoul', 1], ['71', 'Saône-et-Loire', '27', 'Mâcon', 1],
  ['72', 'Sarthe', '52', 'Le Mans', 1], ['73', 'Savoie', '84', 'Chambéry', 1], ['74', 'Haute-Savoie', '84', 'Annecy', 1],
  ['75', 'Paris', '11', 'Paris', 3], ['76', 'Seine-Maritime', '28', 'Rouen', 2], ['77', 'Seine-et-Marne', '11', 'Melun', 2],
  ['78', 'Yvelines', '11', 'Versailles', 2], ['79', 'Deux-Sèvres', '75', 'Niort', 1], ['80', 'Somme', '32', 'Amiens', 1],
  ['81', 'Tarn', '76', 'Albi', 1], ['82', 'Tarn-et-Garonne', '76', 'Montauban', 1], ['83', 'Var', '93', 'Toulon', 2],
  ['84', 'Vaucluse', '93', 'Avignon', 1], ['85', 'Vendée', '52', 'La Roche-sur-Yon', 1], ['86', 'Vienne', '75', 'Poitiers', 1],
  ['87', 'Haute-Vienne', '75', 'Limoges', 1], ['88', 'Vosges', '44', 'Épinal', 1], ['89', 'Yonne', '27', 'Auxerre', 1],
  ['90', 'Territoire de Belfort', '27', 'Belfort', 1], ['91', 'Essonne', '11', 'Évry-Courcouronnes', 2],
  ['92', 'Hauts-de-Seine', '11', 'Nanterre', 2], ['93', 'Seine-Saint-Denis', '11', 'Bobigny', 2], ['94', 'Val-de-Marne', '11', 'Créteil', 2],
  ['95', 'Val-d’Oise', '11', 'Cergy', 2], ['971', 'Guadeloupe', '01', 'Basse-Terre', 1], ['972', 'Martinique', '02', 'Fort-de-France', 1],
  ['973', 'Guyane', '03', 'Cayenne', 1], ['974', 'La Réunion', '04', 'Saint-Denis', 1],
];

interface Category {
  domain: string;
  category: string;
  /** What the establishment's name starts with. */
  prefix: string;
  /** Relative frequency among establishments. */
  weight: number;
  units: string[];
}

const HOSPITAL_UNITS = ['Médecine polyvalente', 'Cardiologie', 'Gériatrie aiguë', 'Service social', 'Neurologie', 'Pneumologie', 'Urgences', 'Chirurgie orthopédique', 'Court séjour gériatrique'];
const HOME_CARE_UNITS = ['Secteur nord', 'Secteur sud', 'Secteur est', 'Secteur ouest', 'Coordination'];

const CATEGORIES: Category[] = [
  { domain: 'SANITAIRE', category: 'Centre hospitalier', prefix: 'Centre hospitalier', weight: 8, units: HOSPITAL_UNITS },
  { domain: 'SANITAIRE', category: 'Centre hospitalier universitaire', prefix: 'CHU', weight: 1, units: [...HOSPITAL_UNITS, 'Oncologie', 'Pédiatrie', 'Néphrologie'] },
  { domain: 'SANITAIRE', category: 'Clinique MCO', prefix: 'Clinique', weight: 6, units: ['Médecine', 'Chirurgie digestive', 'Chirurgie orthopédique', 'Oncologie', 'Service social'] },
  { domain: 'SANITAIRE', category: 'Soins de suite et de réadaptation', prefix: 'Clinique SSR', weight: 6, units: ['SSR polyvalent', 'SSR neurologique', 'SSR locomoteur', 'SSR gériatrique', 'SSR cardiologique'] },
  { domain: 'SANITAIRE', category: 'Hospitalisation à domicile', prefix: 'HAD', weight: 3, units: HOME_CARE_UNITS },
  { domain: 'SANITAIRE', category: 'Centre hospitalier spécialisé', prefix: 'CHS', weight: 2, units: ['Psychiatrie adulte', 'Pédopsychiatrie', 'Addictologie', 'Gérontopsychiatrie'] },
  { domain: 'GRAND_AGE', category: 'EHPAD', prefix: 'EHPAD', weight: 22, units: ['Hébergement permanent', 'Unité protégée', 'Hébergement temporaire', 'Pôle d’activités et de soins adaptés', 'Accueil de jour'] },
  { domain: 'GRAND_AGE', category: 'Résidence autonomie', prefix: 'Résidence autonomie', weight: 5, units: ['Résidence', 'Accueil de jour'] },
  { domain: 'GRAND_AGE', category: 'Unité de soins de longue durée', prefix: 'USLD', weight: 3, units: ['Soins de longue durée', 'Unité cognitivo-comportementale'] },
  { domain: 'GRAND_AGE', category: 'Service de soins infirmiers à domicile', prefix: 'SSIAD', weight: 5, units: ['Secteur nord', 'Secteur sud', 'Équipe spécialisée Alzheimer'] },
  { domain: 'HANDICAP', category: 'Institut médico-éducatif', prefix: 'IME', weight: 6, units: ['Externat', 'Internat', 'Section de première formation professionnelle', 'Unité d’enseignement'] },
  { domain: 'HANDICAP', category: 'ESAT', prefix: 'ESAT', weight: 5, units: ['Atelier espaces verts', 'Atelier restauration', 'Atelier conditionnement', 'Blanchisserie'] },
  { domain: 'HANDICAP', category: 'SESSAD', prefix: 'SESSAD', weight: 4, units: ['Antenne nord', 'Antenne sud'] },
  { domain: 'HANDICAP', category: 'Maison d’accueil spécialisée', prefix: 'MAS', weight: 3, units: ['Hébergement', 'Accueil de jour'] },
  { domain: 'HANDICAP', category: 'Foyer d’accueil médicalisé', prefix: 'FAM', weight: 3, units: ['Hébergement', 'Accueil de jour'] },
  { domain: 'HANDICAP', category: 'Foyer de vie', prefix: 'Foyer de vie', weight: 3, units: ['Hébergement', 'Activités de jour'] },
  { domain: 'HANDICAP', category: 'Maison départementale des personnes handicapées', prefix: 'MDPH', weight: 1, units: ['Accueil', 'Évaluation', 'Commission'] },
  { domain: 'CPAM', category: 'Caisse primaire d’assurance maladie', prefix: 'CPAM', weight: 1, units: ['Service médical', 'Accueil', 'Service social'] },
  { domain: 'TND', category: 'Plateforme de coordination et d’orientation', prefix: 'PCO TND', weight: 2, units: ['Coordination', 'Équipe de diagnostic'] },
];

const ESTABLISHMENT_NAMES = [
  'Les Tilleuls', 'Les Oliviers', 'Jean Jaurès', 'Saint-Joseph', 'Pasteur', 'Les Cèdres', 'Simone Veil', 'Marie Curie',
  'Le Parc', 'Les Lilas', 'La Roseraie', 'Sainte-Anne', 'Victor Hugo', 'Les Glycines', 'Le Clos fleuri', 'Bellevue',
  'Les Chênes', 'Saint-Louis', 'Louise Michel', 'Les Magnolias', 'La Source', 'Les Peupliers', 'Les Mimosas', 'Le Belvédère',
  'Les Platanes', 'La Colline', 'Ambroise Paré', 'Les Acacias', 'Le Moulin', 'Les Jardins', 'Les Charmilles', 'Émile Zola',
  'La Chênaie', 'Les Érables', 'Saint-Vincent', 'Les Hortensias', 'Le Verger', 'Les Saules', 'La Pinède', 'Les Coquelicots',
];

const STREETS = [
  'rue de la République', 'avenue Jean Jaurès', 'boulevard Pasteur', 'rue Victor Hugo', 'place de la Mairie', 'rue des Écoles',
  'avenue de la Gare', 'rue du Général de Gaulle', 'chemin des Vignes', 'rue Nationale', 'allée des Tilleuls', 'route de Paris',
  'rue de l’Hôpital', 'avenue des Pins', 'rue Pierre Curie', 'impasse des Lilas',
];

const FIRST_NAMES = [
  'Marie', 'Nathalie', 'Isabelle', 'Sylvie', 'Catherine', 'Françoise', 'Valérie', 'Christine', 'Sandrine', 'Stéphanie',
  'Céline', 'Aurélie', 'Émilie', 'Julie', 'Camille', 'Laura', 'Manon', 'Léa', 'Chloé', 'Sarah',
  'Élodie', 'Anne', 'Sophie', 'Caroline', 'Virginie', 'Hélène', 'Claire', 'Audrey', 'Mélanie', 'Pauline',
  'Inès', 'Zoé', 'Lucie', 'Agnès', 'Delphine', 'Karine', 'Laurence', 'Martine', 'Brigitte', 'Monique',
  'Jean', 'Philippe', 'Michel', 'Alain', 'Patrick', 'Nicolas', 'Christophe', 'Pierre', 'Laurent', 'Frédéric',
  'Stéphane', 'Sébastien', 'Julien', 'David', 'Olivier', 'Thomas', 'Antoine', 'Mathieu', 'Guillaume', 'Vincent',
  'François', 'Éric', 'Thierry', 'Jérôme', 'Romain', 'Benoît', 'Hugo', 'Lucas', 'Théo', 'Louis',
  'Gabriel', 'Arthur', 'Jules', 'Maxime', 'Alexandre', 'Yannick', 'Cédric', 'Bruno', 'Didier', 'Pascal',
];

const LAST_NAMES = [
  'Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent',
  'Simon', 'Michel', 'Lefèvre', 'Leroy', 'Roux', 'David', 'Bertrand', 'Morel', 'Fournier', 'Girard',
  'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Lefebvre', 'Faure', 'André',
  'Mercier', 'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier', 'François', 'Legrand', 'Gauthier', 'Garcia',
  'Perrin', 'Robin', 'Clément', 'Morin', 'Nicolas', 'Henry', 'Roussel', 'Mathieu', 'Gautier', 'Masson',
  'Marchand', 'Duval', 'Denis', 'Dumont', 'Marie', 'Lemaire', 'Noël', 'Meyer', 'Dufour', 'Meunier',
  'Brun', 'Blanchard', 'Giraud', 'Joly', 'Rivière', 'Lucas', 'Brunet', 'Gaillard', 'Barbier', 'Arnaud',
  'Martinez', 'Gérard', 'Roche', 'Renard', 'Schmitt', 'Roy', 'Leroux', 'Colin', 'Vidal', 'Caron',
  'Picard', 'Roger', 'Fabre', 'Aubert', 'Lemoine', 'Renaud', 'Dumas', 'Lacroix', 'Olivier', 'Philippe',
  'Bourgeois', 'Pierre', 'Benoît', 'Rey', 'Leclerc', 'Payet', 'Rolland', 'Leclercq', 'Guillaume', 'Lecomte',
  'Le Gall', 'Le Goff', 'Nguyen', 'Da Silva', 'Bailly', 'Hoarau', 'Carpentier', 'Hubert', 'Jacquet', 'Poulain',
];

/** The professions that hold an RPPS number come first: the first RPPS_PROFESSIONS of the list. */
const PROFESSIONS = [
  'Médecin', 'Médecin coordonnateur', 'Infirmier', 'Masseur-kinésithérapeute', 'Pharmacien', 'Sage-femme', 'Orthophoniste', 'Ergothérapeute', 'Psychologue',
  'Cadre de santé', 'Infirmier coordinateur', 'Secrétaire médical', 'Assistant de service social', 'Aide-soignant', 'Éducateur spécialisé',
  'Directeur d’établissement', 'Chef de service', 'Agent administratif', 'Conseiller', 'Coordinateur de parcours', 'Chargé de mission',
  'Psychomotricien', 'Moniteur d’atelier', 'Gestionnaire', 'Secrétaire',
];
const RPPS_PROFESSIONS = 9;

/**
 * Which profiles people hold, by the domain of the establishment they work in, per mille: a few
 * territory-wide profiles (coordination, region), referents, then the domain's everyday profiles.
 * A code missing from the catalogue falls back to the next one; the location always follows the
 * level the catalogue gives the profile.
 */
const TERRITORY_PER_MILLE = { department: 8, region: 3, referentStructure: 49, referentUnit: 30 };
const STAFF_PROFILES: Record<string, string[]> = {
  SANITAIRE: ['SANITAIRE_PRESCRIPTEUR', 'SANITAIRE_RECEVEUR'],
  GRAND_AGE: ['GRAND_AGE_MEDECIN_COORDONNATEUR', 'GRAND_AGE_ACCOMPAGNANT_PA_MEDICAL', 'GRAND_AGE_DIRECTION'],
  HANDICAP: ['HANDICAP_ESMS_ADMINISTRATIF', 'HANDICAP_ESMS_SOCIAL', 'HANDICAP_ESMS_MEDICAL', 'HANDICAP_ACCOMPAGNANT_PH'],
  CPAM: ['CPAM_CONSEILLER'],
  TND: ['HANDICAP_ACCOMPAGNANT_PH', 'SANITAIRE_PRESCRIPTEUR'],
};

/**
 * The states of habilitations relative to today, per mille (R31: at most five years). Accounts that
 * are deactivated only hold expired or deleted habilitations, as the deactivation job leaves them.
 */
const STATE_PER_MILLE = { deleted: 70, expired: 120, ending15: 40, ending30: 40, future: 20 };
/** Per mille of accounts deactivated, and blocked (after five wrong passwords). */
const DEACTIVATED_PER_MILLE = 30;
const BLOCKED_PER_MILLE = 5;
/** Percentage of accounts that accepted the current terms of use; the others are asked at login (R11). */
const TERMS_ACCEPTED_PERCENT = 92;
/** Passwords changed within this many days: three in four under the default six months (R08). */
const PASSWORD_AGE_DAYS = 240;

// ─── SQL helpers ───────────────────────────────────────────────────────────────────────────────

/**
 * A pseudo-random integer in [0, modulus) drawn from a SQL expression: a seeded 64-bit hash, so
 * values are deterministic, uniformly spread and independent from one seed to another (a linear
 * congruence would correlate the draws of consecutive rows).
 */
function draw(expression: string, seed: number, modulus: number | string): string {
  return `((hashint8extended((${expression})::bigint, ${seed}) & 2147483647) % (${modulus}))::int`;
}

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
}

function formatCount(n: number): string {
  return n.toLocaleString('fr-FR');
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
}

function affected(result: { numAffectedRows?: bigint }): number {
  return Number(result.numAffectedRows ?? 0n);
}

// ─── The generator ─────────────────────────────────────────────────────────────────────────────

export class GenerationRefusedError extends Error {
  override name = 'GenerationRefusedError';
}

export interface GenerateOptions {
  /** Number of accounts; about three habilitations each. */
  accounts: number;
  /** The instant the states are computed from (today in Europe/Paris). */
  now: Date;
  /** Progress lines, in French. */
  log?: (line: string) => void;
}

export interface GenerateResult {
  accounts: number;
  habilitations: number;
  establishments: number;
  units: number;
  legalEntities: number;
  phases: { name: string; ms: number }[];
  totalMs: number;
}

/** Establishments for a number of accounts: 30 000 per million, at least 10. */
export function establishmentCount(accounts: number): number {
  return Math.max(MIN_ESTABLISHMENTS, Math.round((accounts * ESTABLISHMENTS_PER_MILLION) / 1_000_000));
}

/**
 * Fills a migrated database whose catalogue is loaded. One transaction: a failure leaves nothing
 * behind, and a second run is refused. VACUUM ANALYZE runs after the commit, as autovacuum would
 * after such a load: the planner knows the sizes, and the visibility map lets the searches read their
 * indexes only (without it, a 1 M-account search visits thousands of heap pages: 12 ms → 2 ms).
 */
export async function generate(db: Db, options: GenerateOptions): Promise<GenerateResult> {
  const { accounts, now } = options;
  const log = options.log ?? (() => undefined);
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > MAX_ACCOUNTS) {
    throw new GenerationRefusedError(`Nombre de comptes invalide : ${accounts} (entre 1 et ${formatCount(MAX_ACCOUNTS)})`);
  }
  const today = parisDate(now);
  const establishments = establishmentCount(accounts);
  const legalEntities = Math.ceil(establishments / ESTABLISHMENTS_PER_LEGAL_ENTITY);
  const phases: GenerateResult['phases'] = [];
  const started = performance.now();
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await work();
    const ms = performance.now() - t0;
    phases.push({ name, ms });
    log(`${name} : terminé en ${formatSeconds(ms)}`);
    return result;
  };

  // One hash for every generated account: argon2id costs ~50 ms by design, a million distinct salts
  // would take hours, and these accounts share a published password anyway, so salts protect nothing.
  const passwordHash = await hashPassword(GENERATED_PASSWORD);

  const counts = await db.transaction().execute(async (trx) => {
    // Two generators started at once on the same database: the second waits, then is refused below.
    await sql`select pg_advisory_xact_lock(76002)`.execute(trx);
    // Hash joins over the reference tables (150 000 units at a million accounts) fit in memory.
    await sql`set local work_mem = '64MB'`.execute(trx);
    await refuseIfAlreadyGenerated(trx);
    log(`Génération de ${formatCount(accounts)} comptes, ${formatCount(establishments)} établissements, au ${today}`);
    const profiles = await trx.selectFrom('profiles').select(['id', 'code', 'location_level']).execute();
    if (profiles.length === 0) {
      throw new GenerationRefusedError('Le catalogue des profils est vide : chargez-le avant de générer des données.');
    }

    await phase('Territoires', async () => {
      await sql`
        insert into regions (code, name)
        select * from unnest(${REGIONS.map((r) => r[0])}::text[], ${REGIONS.map((r) => r[1])}::text[])
        on conflict (code) do nothing`.execute(trx);
      // Departments the demo data or an administrator created keep their names and regions.
      await sql`
        insert into departments (code, name, region_code)
        select * from unnest(${DEPARTMENTS.map((d) => d[0])}::text[], ${DEPARTMENTS.map((d) => d[1])}::text[], ${DEPARTMENTS.map((d) => d[2])}::text[])
        on conflict (code) do nothing`.execute(trx);
    });

    const structures = await phase('Établissements et unités', () =>
      generateStructures(trx, { establishments, legalEntities, now }),
    );
    log(`  ${formatCount(structures.legalEntities)} entités juridiques, ${formatCount(structures.establishments)} établissements, ${formatCount(structures.units)} unités`);

    await createProfilePicks(trx, profiles);

    const accountCount = await phase('Comptes', async () => {
      await sql`
        create temp table gen_accounts (
          n integer primary key, id integer not null, est_idx integer not null, deactivated boolean not null
        ) on commit drop`.execute(trx);
      let total = 0;
      for (let lo = 1; lo <= accounts; lo += BATCH) {
        const hi = Math.min(accounts, lo + BATCH - 1);
        total += await insertAccounts(trx, { lo, hi, establishments, now, passwordHash });
        log(`  comptes : ${formatCount(total)} / ${formatCount(accounts)} (${formatSeconds(performance.now() - started)})`);
      }
      await sql`analyze gen_accounts`.execute(trx);
      return total;
    });

    const habilitationCount = await phase('Habilitations', async () => {
      let total = 0;
      for (let lo = 1; lo <= accounts; lo += BATCH) {
        const hi = Math.min(accounts, lo + BATCH - 1);
        total += await insertHabilitations(trx, { lo, hi, establishments, now, today });
        log(`  habilitations : ${formatCount(total)} (comptes ${formatCount(hi)} / ${formatCount(accounts)}, ${formatSeconds(performance.now() - started)})`);
      }
      return total;
    });

    // The append-only history says where these rows came from (one event, not one per row: a bulk
    // load is an import, not a million administrative acts).
    await recordAudit(trx, {
      actor: SYSTEM_ACTOR,
      code: 'SYNTHETIC_DATA_GENERATED',
      description: `Génération de données synthétiques : ${formatCount(accountCount)} comptes, ${formatCount(habilitationCount)} habilitations`,
      details: { accounts: accountCount, habilitations: habilitationCount, establishments: structures.establishments, units: structures.units },
      at: now,
    });
    return { ...structures, accounts: accountCount, habilitations: habilitationCount };
  });

  await phase('VACUUM ANALYZE', async () => {
    await sql`vacuum analyze regions, departments, legal_entities, establishments, units, accounts, habilitations`.execute(db);
  });

  const totalMs = performance.now() - started;
  log(`Total : ${formatSeconds(totalMs)} — ${formatCount(counts.accounts)} comptes, ${formatCount(counts.habilitations)} habilitations`);
  return { ...counts, phases, totalMs };
}

async function refuseIfAlreadyGenerated(trx: Db): Promise<void> {
  const { rows } = await sql<{ present: boolean }>`
    select exists (select 1 from accounts where username like ${`${USERNAME_PREFIX}%`})
        or exists (select 1 from establishments where finess like ${`${ESTABLISHMENT_FINESS_PREFIX}%`}) as present`.execute(trx);
  if (rows[0]?.present) {
    throw new GenerationRefusedError(
      `Des données générées sont déjà présentes dans cette base (comptes « ${USERNAME_PREFIX}… » ou établissements FINESS ${ESTABLISHMENT_FINESS_PREFIX}…) : ` +
        'le générateur refuse de les dupliquer. Utilisez une base neuve.',
    );
  }
}

/** Legal entities, establishments and units, with the temporary tables the later phases join on. */
async function generateStructures(
  trx: Db,
  { establishments, legalEntities, now }: { establishments: number; legalEntities: number; now: Date },
): Promise<{ legalEntities: number; establishments: number; units: number }> {
  // Departments repeated by weight and sorted by code: establishment i takes the slot at the same
  // fraction of the list, so neighbouring establishments share a department (people who work in two
  // places mostly stay in one department).
  const departmentSlots = DEPARTMENTS.flatMap(([code, , , prefecture, weight]) =>
    Array.from({ length: weight }, () => ({ code, prefecture })),
  );
  const categorySlots = CATEGORIES.flatMap((c, index) => Array.from({ length: c.weight }, () => index + 1));

  await sql`
    create temp table gen_department_slots on commit drop as
    select slot::int, code, prefecture
    from unnest(${departmentSlots.map((d) => d.code)}::text[], ${departmentSlots.map((d) => d.prefecture)}::text[])
      with ordinality as t(code, prefecture, slot)`.execute(trx);
  await sql`
    create temp table gen_categories on commit drop as
    select idx::int, domain_code, category, prefix, units
    from unnest(${CATEGORIES.map((c) => c.domain)}::text[], ${CATEGORIES.map((c) => c.category)}::text[],
                ${CATEGORIES.map((c) => c.prefix)}::text[], ${CATEGORIES.map((c) => c.units.join('|'))}::text[])
      with ordinality as t(domain_code, category, prefix, units, idx)`.execute(trx);

  const slots = departmentSlots.length;
  await sql`
    create temp table gen_establishments on commit drop as
    select i as idx,
           ${ESTABLISHMENT_FINESS_PREFIX} || lpad(i::text, 6, '0') as finess,
           ds.code as department_code, ds.prefecture as city, d.region_code,
           c.idx as category_idx, c.domain_code,
           1 + ${sql.raw(draw('i', 24, 9))} as unit_count,
           null::integer as id
    from generate_series(1, ${establishments}::int) as i
    join gen_department_slots ds on ds.slot = 1 + ((i - 1)::bigint * ${slots} / ${establishments})::int
    join departments d on d.code = ds.code
    join gen_categories c on c.idx = (${sql.raw(`ARRAY[${categorySlots.join(',')}]`)})[1 + ${sql.raw(draw('i', 20, categorySlots.length))}]`.execute(trx);

  const legal = await sql`
    insert into legal_entities (finess, name)
    select ${LEGAL_ENTITY_FINESS_PREFIX} || lpad(l::text, 5, '0'),
           'Groupement ' || (${ESTABLISHMENT_NAMES}::text[])[1 + ${sql.raw(draw('l', 30, ESTABLISHMENT_NAMES.length))}] || ' ' || l
    from generate_series(1, ${legalEntities}::int) as l`.execute(trx);

  const names = ESTABLISHMENT_NAMES;
  const inserted = await sql`
    insert into establishments (finess, name, category, domain_code, legal_entity_id, department_code, address, postcode, city,
                                phone, email, ror_synced, ror_id, ror_synced_at, closed_at, created_at, updated_at)
    select g.finess,
           c.prefix || ' ' || (${names}::text[])[1 + ${sql.raw(draw('g.idx', 21, names.length))}] || ' (' || g.city || ')',
           c.category, g.domain_code,
           case when ${sql.raw(draw('g.idx', 23, 2))} = 0 then le.id end,
           g.department_code,
           (1 + ${sql.raw(draw('g.idx', 25, 150))}) || ' ' || (${STREETS}::text[])[1 + ${sql.raw(draw('g.idx', 26, STREETS.length))}],
           case when g.department_code = '2A' then '20000'
                when g.department_code = '2B' then '20200'
                when length(g.department_code) = 3 then g.department_code || lpad(${sql.raw(draw('g.idx', 27, 10))}::text, 2, '0')
                else g.department_code || lpad((10 * ${sql.raw(draw('g.idx', 27, 100))})::text, 3, '0') end,
           g.city,
           '0' || (1 + ${sql.raw(draw('g.idx', 28, 5))}) || ' ' || to_char(${sql.raw(draw('g.idx', 29, 100000000))}, 'FM00 00 00 00'),
           'contact@e' || g.finess || '.habilis.localhost',
           ror.synced,
           case when ror.synced then 'ror-gen-' || g.finess end,
           case when ror.synced then ${now}::timestamptz - make_interval(days => ${sql.raw(draw('g.idx', 32, 30))}) end,
           case when ${sql.raw(draw('g.idx', 33, 100))} < 2 then ${now}::timestamptz - make_interval(days => ${sql.raw(draw('g.idx', 34, 700))}) end,
           ${now}::timestamptz - make_interval(days => 700 + ${sql.raw(draw('g.idx', 35, 2000))}),
           ${now}::timestamptz - make_interval(days => ${sql.raw(draw('g.idx', 36, 700))})
    from gen_establishments g
    join gen_categories c on c.idx = g.category_idx
    cross join lateral (select ${sql.raw(draw('g.idx', 31, 10))} < 6 as synced) ror
    left join legal_entities le on le.finess = ${LEGAL_ENTITY_FINESS_PREFIX} || lpad((1 + (g.idx - 1) / ${ESTABLISHMENTS_PER_LEGAL_ENTITY})::text, 5, '0')`.execute(trx);

  await sql`update gen_establishments g set id = e.id from establishments e where e.finess = g.finess`.execute(trx);
  await sql`alter table gen_establishments add primary key (idx)`.execute(trx);

  // Unit names come from the category's list, numbered past its end: unique per establishment.
  const units = await sql`
    insert into units (establishment_id, name, internal_code, ror_id, closed_at, created_at)
    select g.id,
           u.names[1 + (s - 1) % cardinality(u.names)] || case when s > cardinality(u.names) then ' ' || (1 + (s - 1) / cardinality(u.names)) else '' end,
           'U' || lpad(s::text, 3, '0'),
           case when ${sql.raw(draw('g.idx * 16 + s', 40, 10))} < 4 then 'ror-gen-' || g.finess || '-' || s end,
           case when ${sql.raw(draw('g.idx * 16 + s', 41, 100))} < 2 then ${now}::timestamptz - make_interval(days => ${sql.raw(draw('g.idx * 16 + s', 42, 700))}) end,
           ${now}::timestamptz - make_interval(days => 700 + ${sql.raw(draw('g.idx * 16 + s', 43, 2000))})
    from gen_establishments g
    join lateral (select string_to_array(c.units, '|') as names from gen_categories c where c.idx = g.category_idx) u on true
    cross join generate_series(1, g.unit_count) as s`.execute(trx);

  await sql`
    create temp table gen_units on commit drop as
    select g.idx as est_idx, substr(u.internal_code, 2)::int as slot, u.id
    from units u join gen_establishments g on g.id = u.establishment_id`.execute(trx);
  await sql`alter table gen_units add primary key (est_idx, slot)`.execute(trx);
  await sql`analyze gen_establishments, gen_units`.execute(trx);

  return { legalEntities: affected(legal), establishments: affected(inserted), units: affected(units) };
}

/** gen_profile_picks(domain_code, roll 0..999) → the profile and its level, from the catalogue. */
async function createProfilePicks(trx: Db, profiles: { id: number; code: string; location_level: LocationLevel }[]): Promise<void> {
  const byCode = new Map(profiles.map((p) => [p.code, p]));
  const fallback = profiles[0]!;
  const first = (...codes: string[]) => codes.map((c) => byCode.get(c)).find((p) => p !== undefined) ?? fallback;
  const rows: { domain: string; roll: number; id: number; level: LocationLevel }[] = [];
  const t = TERRITORY_PER_MILLE;
  for (const [domain, staff] of Object.entries(STAFF_PROFILES)) {
    for (let roll = 0; roll < 1000; roll++) {
      let profile;
      if (roll < t.department) {
        profile = domain === 'GRAND_AGE' ? first('GRAND_AGE_COORDINATION', 'SANITAIRE_COORDINATION') : first('SANITAIRE_COORDINATION', 'GRAND_AGE_COORDINATION');
      } else if (roll < t.department + t.region) {
        const regional = domain === 'TND' ? 'TND_REFERENT_REGIONAL' : roll === t.department + t.region - 1 ? 'HNP_REGION' : 'SANITAIRE_REGION';
        profile = first(regional, 'SANITAIRE_REGION');
      } else if (roll < t.department + t.region + t.referentStructure) {
        profile = first('REFERENT_STRUCTURE');
      } else if (roll < t.department + t.region + t.referentStructure + t.referentUnit) {
        profile = first('REFERENT_UNITE', 'REFERENT_STRUCTURE');
      } else {
        profile = first(staff[roll % staff.length]!, ...staff, 'REFERENT_STRUCTURE');
      }
      rows.push({ domain, roll, id: profile.id, level: profile.location_level });
    }
  }
  await sql`
    create temp table gen_profile_picks on commit drop as
    select * from unnest(${rows.map((r) => r.domain)}::text[], ${rows.map((r) => r.roll)}::int[],
                         ${rows.map((r) => r.id)}::int[], ${rows.map((r) => r.level)}::text[])
      as t(domain_code, roll, profile_id, level)`.execute(trx);
  await sql`alter table gen_profile_picks add primary key (domain_code, roll)`.execute(trx);
  await sql`analyze gen_profile_picks`.execute(trx);
}

async function insertAccounts(
  trx: Db,
  o: { lo: number; hi: number; establishments: number; now: Date; passwordHash: string },
): Promise<number> {
  const firstAscii = FIRST_NAMES.map(ascii);
  const lastAscii = LAST_NAMES.map(ascii);
  const h = (seed: number, modulus: number | string) => sql.raw(draw('n', seed, modulus));
  // The account number n is the last part of the username: it maps the inserted ids back to n.
  const result = await sql`
    with src as (
      select n,
             1 + ${h(1, FIRST_NAMES.length)} as fi,
             1 + ${h(2, LAST_NAMES.length)} as li,
             1 + ${h(3, o.establishments)} as est_idx,
             1 + ${h(4, PROFESSIONS.length)} as pi,
             ${h(5, 1000)} as status_roll,
             ${h(6, 100)} as phone_roll,
             ${h(12, PASSWORD_AGE_DAYS)} as password_age,
             ${h(13, 100)} as terms_roll,
             ${o.now}::timestamptz - make_interval(days => 1 + ${h(7, 1800)}) as created_at
      from generate_series(${o.lo}::int, ${o.hi}::int) as n
    ), ins as (
      insert into accounts (username, first_name, last_name, email, email_verified_at, phone, mobile_phone, mobile_verified_at,
                            profession, rpps, password_hash, password_changed_at, otp_channel, failed_login_count,
                            blocked_at, deactivated_at, terms_version_accepted, terms_accepted_at, created_at, updated_at)
      select ${USERNAME_PREFIX} || left((${firstAscii}::text[])[fi], 1) || (${lastAscii}::text[])[li] || '.' || n,
             (${FIRST_NAMES}::text[])[fi],
             (${LAST_NAMES}::text[])[li],
             (${firstAscii}::text[])[fi] || '.' || (${lastAscii}::text[])[li] || '.' || n
               || '@e' || ${ESTABLISHMENT_FINESS_PREFIX} || lpad(est_idx::text, 6, '0') || '.habilis.localhost',
             case when status_roll % 20 <> 0 then created_at + interval '1 hour' end,
             case when phone_roll < 70 then '0' || (1 + phone_roll % 5) || ' ' || to_char(${h(8, 100000000)}, 'FM00 00 00 00') end,
             case when phone_roll % 10 < 6 then '0' || (6 + phone_roll % 2) || ' ' || to_char(${h(9, 100000000)}, 'FM00 00 00 00') end,
             case when phone_roll % 10 < 4 then created_at + interval '1 day' end,
             (${PROFESSIONS}::text[])[pi],
             case when pi <= ${RPPS_PROFESSIONS} and status_roll % 10 < 8 then '19' || lpad(n::text, 9, '0') end,
             ${o.passwordHash},
             greatest(created_at + interval '1 hour', ${o.now}::timestamptz - make_interval(days => password_age)),
             case when phone_roll % 10 < 2 then 'SMS' else 'EMAIL' end,
             case when status_roll between ${DEACTIVATED_PER_MILLE} and ${DEACTIVATED_PER_MILLE + BLOCKED_PER_MILLE - 1} then 5 else 0 end,
             case when status_roll between ${DEACTIVATED_PER_MILLE} and ${DEACTIVATED_PER_MILLE + BLOCKED_PER_MILLE - 1}
                  then ${o.now}::timestamptz - make_interval(days => ${h(10, 60)}) end,
             case when status_roll < ${DEACTIVATED_PER_MILLE} then ${o.now}::timestamptz - make_interval(days => ${h(11, 300)}) end,
             case when terms_roll < ${TERMS_ACCEPTED_PERCENT} then ${TERMS_VERSION} end,
             case when terms_roll < ${TERMS_ACCEPTED_PERCENT}
                  then greatest(created_at + interval '2 hours', ${o.now}::timestamptz - make_interval(days => terms_roll % 20)) end,
             created_at,
             created_at
      from src
      returning id, username, deactivated_at is not null as deactivated
    )
    insert into gen_accounts (n, id, est_idx, deactivated)
    select n, ins.id, 1 + ${sql.raw(draw('n', 3, o.establishments))}, ins.deactivated
    from ins cross join lateral (select split_part(ins.username, '.', 3)::int as n) k`.execute(trx);
  return affected(result);
}

async function insertHabilitations(
  trx: Db,
  o: { lo: number; hi: number; establishments: number; now: Date; today: string },
): Promise<number> {
  const h = (expression: string, seed: number, modulus: number | string): RawBuilder<unknown> => sql.raw(draw(expression, seed, modulus));
  const p = STATE_PER_MILLE;
  const today = sql`${o.today}::date`;
  const now = sql`${o.now}::timestamptz`;
  // m = 8n + j numbers the habilitation j (1..5) of account n: every draw below is seeded by it.
  const result = await sql`
    insert into habilitations (account_id, profile_id, unit_id, establishment_id, department_code, region_code,
                               start_date, end_date, email_notifications, created_at, deleted_at)
    select x.account_id, x.profile_id,
           case when x.level = 'unit' then x.unit_id end,
           case when x.level = 'establishment' then x.establishment_id end,
           case when x.level = 'department' then x.department_code end,
           case when x.level = 'region' then x.region_code end,
           x.start_date, x.end_date, x.email_notifications,
           least(x.start_date::timestamptz, ${now}),
           case when x.state = 'deleted'
                then ${now} - make_interval(days => ${h('x.m', 15, 1_000_000)} % greatest(1, ${today} - x.start_date)) end
    from (
      select g.id as account_id, pp.profile_id, pp.level, e.id as establishment_id, e.department_code, e.region_code,
             u.id as unit_id, s.state, k.m, ${h('k.m', 14, 10)} < 8 as email_notifications,
             case s.state
               when 'active'   then ${today} - d.a
               when 'ending15' then ${today} + d.a % 15 - (180 + d.b % 900)
               when 'ending30' then ${today} + 15 + d.a % 16 - (180 + d.b % 900)
               when 'expired'  then ${today} - 1 - d.a % 700 - (90 + d.b)
               when 'future'   then ${today} + 1 + d.a % 60
               else                 ${today} - 30 - d.a % 700
             end as start_date,
             case s.state
               when 'active'   then least(${today} + 31 + d.b, (${today} - d.a + interval '5 years')::date)
               when 'ending15' then ${today} + d.a % 15
               when 'ending30' then ${today} + 15 + d.a % 16
               when 'expired'  then ${today} - 1 - d.a % 700
               when 'future'   then ${today} + 1 + d.a % 60 + 365 + d.b % 730
               else                 ${today} - 30 - d.a % 700 + 365 + d.b
             end as end_date
      from gen_accounts g
      cross join lateral generate_series(1, 1 + ${h('g.n', 50, 5)}) as j
      cross join lateral (select g.n::bigint * 8 + j as m) as k
      join gen_establishments e on e.idx = case
             when j = 1 or ${h('k.m', 9, 10)} < 7 then g.est_idx
             else 1 + (g.est_idx + ${h('k.m', 10, 3)}) % ${o.establishments}
           end
      join gen_profile_picks pp on pp.domain_code = e.domain_code and pp.roll = ${h('k.m', 11, 1000)}
      join gen_units u on u.est_idx = e.idx and u.slot = 1 + ${h('k.m', 12, 'e.unit_count')}
      cross join lateral (select ${h('k.m', 13, 1000)} as roll) as r
      cross join lateral (
        select case
          when g.deactivated then case when r.roll < 200 then 'deleted' else 'expired' end
          when r.roll < ${p.deleted} then 'deleted'
          when r.roll < ${p.deleted + p.expired} then 'expired'
          when r.roll < ${p.deleted + p.expired + p.ending15} then 'ending15'
          when r.roll < ${p.deleted + p.expired + p.ending15 + p.ending30} then 'ending30'
          when r.roll < ${p.deleted + p.expired + p.ending15 + p.ending30 + p.future} then 'future'
          else 'active'
        end as state) as s
      cross join lateral (select ${h('k.m', 16, 1400)} as a, ${h('k.m', 17, 1000)} as b) as d
      where g.n between ${o.lo}::int and ${o.hi}::int
    ) as x`.execute(trx);
  return affected(result);
}

// ─── Command line ──────────────────────────────────────────────────────────────────────────────

function parseAccounts(argv: string[]): number {
  const index = argv.findIndex((a) => a === '--accounts' || a.startsWith('--accounts='));
  if (index < 0) return DEFAULT_ACCOUNTS;
  const arg = argv[index]!;
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  const value = Number(raw?.replaceAll('_', ''));
  if (!raw || !Number.isInteger(value) || value < 1 || value > MAX_ACCOUNTS) {
    throw new GenerationRefusedError(`--accounts attend un nombre entier entre 1 et ${formatCount(MAX_ACCOUNTS)} (reçu : ${raw ?? 'rien'})`);
  }
  return value;
}

/** `--notifications N` (issue 14): ESMS notifications; alone, without `--accounts`, only them. */
function parseNotifications(argv: string[]): number | null {
  const index = argv.findIndex((a) => a === '--notifications' || a.startsWith('--notifications='));
  if (index < 0) return null;
  const arg = argv[index]!;
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  const value = Number(raw?.replaceAll('_', ''));
  if (!raw || !Number.isInteger(value) || value < 1 || value > MAX_NOTIFICATIONS) {
    throw new GenerationRefusedError(`--notifications attend un nombre entier entre 1 et ${formatCount(MAX_NOTIFICATIONS)} (reçu : ${raw ?? 'rien'})`);
  }
  return value;
}

async function main(): Promise<void> {
  const accounts = parseAccounts(process.argv.slice(2));
  const notifications = parseNotifications(process.argv.slice(2));
  const onlyNotifications = notifications !== null && !process.argv.slice(2).some((a) => a.startsWith('--accounts'));
  const config = loadConfig();
  if (config.isProduction) {
    throw new GenerationRefusedError('Le générateur de données synthétiques ne s’exécute pas en production (NODE_ENV=production).');
  }
  const print = (line: string) => process.stdout.write(`${line}\n`);
  let embedded: EmbeddedServer | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    print(`PostgreSQL embarqué (${config.embeddedPgDir})`);
    embedded = await startEmbeddedPostgres({ dataDir: config.embeddedPgDir, persistent: true });
    databaseUrl = embedded.url;
  }
  const db = createDatabase(databaseUrl, 2);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) print(`Migrations appliquées : ${applied.join(', ')}`);
    await loadCatalogue(db);
    if (!onlyNotifications) await generate(db, { accounts, now: new Date(), log: print });
    if (notifications !== null) await generateNotifications(db, { notifications, now: new Date(), log: print });
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isEntryPoint) {
  main().catch((error: unknown) => {
    const message = error instanceof GenerationRefusedError || (error instanceof Error && error.name === 'ConfigError')
      ? error.message
      : `Échec de la génération : ${error instanceof Error ? error.stack : String(error)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
