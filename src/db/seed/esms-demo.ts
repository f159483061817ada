/**
 * Demo notifications of the Handicap module (issue 14): about 150 for the demo IME, ESAT and SESSAD,
 * in every ESMS status, with a plausible follow-up history, reasons, needs evaluations and medical
 * data. Everything here is invented; dates are relative to the day of loading. Deterministic (a
 * seeded generator), so two demo databases look alike.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { addToDate, parisDate } from '../../platform/clock.js';
import { MDPH_STATUSES, STATUS_PATHS, STATUS_REASON } from './esms-paths.js';

const STATUS_ORDER = Object.keys(STATUS_PATHS);

const FIRST_NAMES = ['Lucas', 'Emma', 'Nathan', 'Jade', 'Hugo', 'Louise', 'Léo', 'Alice', 'Gabin', 'Chloé', 'Raphaël', 'Inès', 'Tom', 'Léna', 'Enzo', 'Manon', 'Mathis', 'Sarah', 'Noah', 'Camille', 'Adam', 'Zoé', 'Maël', 'Romane', 'Sacha'];
const LAST_NAMES = ['Arnaud', 'Barbier', 'Bourgeois', 'Brun', 'Carpentier', 'Collet', 'Colin', 'Da Silva', 'Deschamps', 'Dufour', 'Fleury', 'Gaillard', 'Giraud', 'Hamel', 'Hubert', 'Jacob', 'Julien', 'Lacroix', 'Leclerc', 'Lemoine', 'Marchand', 'Meunier', 'Noël', 'Olivier', 'Paris', 'Picard', 'Renaud', 'Rey', 'Roger', 'Schmitt', 'Tessier', 'Vidal'];
const EVALUATION = {
  careArrangement: ['Externat', 'Internat de semaine', 'Accueil de jour', 'Accompagnement en milieu ordinaire'],
  difficulty: ['Difficultés de communication', 'Troubles du comportement', 'Lenteur dans les apprentissages', 'Fatigabilité importante'],
  schoolingSituation: ['ULIS école', 'Unité d’enseignement en IME', 'Scolarité en milieu ordinaire avec AESH', 'Non scolarisé'],
  schoolingTime: ['6 heures par semaine', '12 heures par semaine', 'Temps plein', 'Aucun'],
  schoolingAssessment: ['Progrès en lecture', 'Acquis fragiles en mathématiques', 'Bonne participation en classe'],
  vocationalTrainingLevel: ['Sans qualification', 'CAP en cours', 'Niveau 3 (CAP)'],
  workSituation: ['Sans emploi', 'En stage', 'Travailleur en ESAT'],
  currentJobFitness: ['Apte avec aménagements', 'Apte à temps partiel', 'À évaluer'],
  vocationalProspects: ['Atelier espaces verts', 'Restauration collective', 'Blanchisserie', 'Sous-traitance industrielle'],
  plannedEvolution: ['Orientation vers un ESAT à 20 ans', 'Maintien de l’accompagnement', 'Passage à temps plein'],
  observedEvolution: ['Progrès dans l’autonomie', 'Situation stable', 'Meilleure gestion des émotions'],
};
const MEDICAL = {
  mainPathology: ['Trouble du spectre de l’autisme', 'Trisomie 21', 'Paralysie cérébrale', 'Épilepsie pharmacorésistante', 'Syndrome de l’X fragile'],
  rareDisease: ['Aucune', 'Syndrome de Rett', 'Syndrome de Prader-Willi', 'Aucune'],
  rareDisability: ['Non', 'Non', 'Oui : surdicécité'],
  mainImpairment: ['Déficience intellectuelle moyenne', 'Déficience intellectuelle légère', 'Déficience motrice', 'Troubles du psychisme'],
  compensationNeeds: ['Orthophonie hebdomadaire', 'Psychomotricité et ergothérapie', 'Suivi psychiatrique mensuel', 'Fauteuil roulant adapté'],
};

/** A small seeded generator (mulberry32). */
function generator(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)), pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]! };
}

export interface EsmsDemoPlace {
  establishmentId: number;
  unitIds: number[];
  category: '183' | '246' | '182';
  /** Who records the ESMS's follow-up in the demo. */
  actor: { accountId: number; label: string };
}

/** Loads the demo notifications into the demo's transaction. */
export async function loadEsmsDemo(trx: Kysely<Database>, places: EsmsDemoPlace[], now: Date, perPlace = 50): Promise<number> {
  const today = parisDate(now);
  const rnd = generator(14);
  let n = 0;
  for (const place of places) {
    const adult = place.category === '246';
    for (let i = 0; i < perPlace; i++, n++) {
      const status = STATUS_ORDER[i % STATUS_ORDER.length]!;
      const birthDate = addToDate(today, { years: -(adult ? rnd.int(20, 55) : rnd.int(4, 19)), days: -rnd.int(0, 364) });
      const decisionDate = addToDate(today, { months: -rnd.int(2, 26), days: -rnd.int(0, 27) });
      const openingDate = addToDate(decisionDate, { days: rnd.int(0, 40) });
      // A few expired, a few within 3 months, most valid for longer.
      const endDate = i % 7 === 3 ? addToDate(today, { days: -rnd.int(1, 90) }) : i % 7 === 5 ? addToDate(today, { days: rnd.int(1, 85) }) : addToDate(openingDate, { years: rnd.int(3, 5) });
      const person = await trx
        .insertInto('esms_persons')
        .values({ last_name: rnd.pick(LAST_NAMES), first_name: rnd.pick(FIRST_NAMES), birth_date: birthDate, mdph_department: '34', mdph_individual_number: `34${String(100000 + n * 37).padStart(7, '0')}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      const decision = await trx
        .insertInto('esms_decisions')
        .values({
          national_id: `DEMO-34-${String(n + 1).padStart(6, '0')}`,
          mdph_decision_id: `CDAPH-34-${2025 + (n % 2)}-${String(4000 + n)}`,
          person_id: person.id,
          decision_date: decisionDate,
          right_nature: 'Orientation en établissement ou service médico-social',
          opening_date: openingDate,
          end_date: endDate < openingDate ? openingDate : endDate,
          category_code: place.category,
          creton: !adult && i % 11 === 0,
          imported_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('esms_evaluations').values({
        decision_id: decision.id, care_arrangement: rnd.pick(EVALUATION.careArrangement), difficulty: rnd.pick(EVALUATION.difficulty),
        schooling_situation: adult ? null : rnd.pick(EVALUATION.schoolingSituation), schooling_time: adult ? null : rnd.pick(EVALUATION.schoolingTime),
        schooling_assessment: adult ? null : rnd.pick(EVALUATION.schoolingAssessment), vocational_training_level: rnd.pick(EVALUATION.vocationalTrainingLevel),
        work_situation: adult ? rnd.pick(EVALUATION.workSituation) : null, current_job_fitness: adult ? rnd.pick(EVALUATION.currentJobFitness) : null,
        vocational_prospects: rnd.pick(EVALUATION.vocationalProspects), planned_evolution: rnd.pick(EVALUATION.plannedEvolution), observed_evolution: rnd.pick(EVALUATION.observedEvolution),
      }).execute();
      await trx.insertInto('esms_medical_data').values({
        decision_id: decision.id, main_pathology: rnd.pick(MEDICAL.mainPathology), rare_disease: rnd.pick(MEDICAL.rareDisease), rare_disability: rnd.pick(MEDICAL.rareDisability),
        main_impairment: rnd.pick(MEDICAL.mainImpairment), compensation_needs: rnd.pick(MEDICAL.compensationNeeds),
      }).execute();
      const path = STATUS_PATHS[status]!;
      const unitId = place.unitIds.length > 0 && path.length > 2 ? rnd.pick(place.unitIds) : null;
      // Status dates climb from the decision to today.
      const span = Math.max(1, Math.round((Date.parse(today) - Date.parse(decisionDate)) / 86_400_000));
      const dates = path.map((_, k) => addToDate(decisionDate, { days: Math.round((span * (k + 1)) / (path.length + 1)) }));
      const last = path.length > 0 ? path[path.length - 1]! : '39';
      const notification = await trx
        .insertInto('esms_notifications')
        .values({
          decision_id: decision.id, establishment_id: place.establishmentId, unit_id: unitId, status_code: last, status_date: dates.at(-1) ?? decisionDate,
          status_reason_code: STATUS_REASON[last] ?? null, version: path.length + 1, created_at: now, updated_at: new Date(now.getTime() - (perPlace - i) * 3_600_000),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (path.length > 0) {
        await trx.insertInto('esms_followups').values(
          path.map((code, k) => ({
            notification_id: notification.id, status_code: code, status_date: dates[k]!, reason_code: STATUS_REASON[code] ?? null,
            unit_id: k >= 2 ? unitId : null, comment: code === '42' ? 'Dossier d’admission reçu, visite prévue.' : null,
            actor_account_id: MDPH_STATUSES.has(code) ? null : place.actor.accountId,
            actor_label: MDPH_STATUSES.has(code) ? 'MDPH de l’Hérault (import)' : place.actor.label,
            recorded_at: new Date(Date.parse(`${dates[k]!}T10:00:00Z`)),
          })),
        ).execute();
      }
    }
  }
  return n;
}
