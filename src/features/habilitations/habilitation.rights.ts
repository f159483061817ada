/**
 * The rights the application checks: code constants, each with the plain-French label that
 * "Droits" shows (R38). Profiles (data) bundle them; the catalogue seed copies this list into
 * the `rights` table so foreign keys hold.
 */
export const RIGHTS = {
  'accounts.manage': 'Rechercher, créer et modifier les comptes des professionnels de sa structure, les bloquer et les débloquer',
  'habilitations.grant': 'Attribuer, prolonger et supprimer des habilitations dans sa structure',
  'habilitations.review': 'Consulter et exporter la revue des habilitations de son périmètre',
  'directory.read': 'Consulter l’annuaire des établissements et des services',
  'directory.edit': 'Modifier la fiche descriptive de son établissement et de ses unités',
  'referrals.send': 'Créer et envoyer des demandes d’admission (prescripteur)',
  'referrals.receive': 'Recevoir et traiter les demandes d’admission (receveur)',
  'referrals.medical.read': 'Lire les volets médicaux des demandes d’admission',
  'esms.notifications.read': 'Consulter le tableau de bord des notifications ESMS et récupérer une notification',
  'esms.followup.write': 'Saisir les actions de suivi des notifications ESMS',
  'esms.evaluation.read': 'Lire l’évaluation des besoins (volet social, éducatif et pédagogique)',
  'esms.medical.read': 'Lire les données médicales des notifications (pathologie, déficience, besoins de compensation)',
  'observatory.order': 'Commander et consulter des statistiques de l’observatoire',
  'territory.supervise': 'Superviser les structures et les comptes de son territoire (coordination ou région)',
  // Issue 17: the clients of Habilis as an OpenID provider (region administrator).
  'clients.manage': 'Enregistrer et modifier les applications clientes d’Habilis (modules d’orientation, partenaires)',
} as const;

export type Right = keyof typeof RIGHTS;

export const RIGHT_CODES = Object.keys(RIGHTS) as Right[];

export function isRight(value: string): value is Right {
  return Object.hasOwn(RIGHTS, value);
}
