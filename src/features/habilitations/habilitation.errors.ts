/** Error catalogue of habilitations: grants (R30–R34), changes (R32, R35, R36) and the review (R39): stable codes, French messages. */
import { defineErrors, DomainError } from '../../platform/errors.js';

export const habilitationErrors = defineErrors({
  // Out of scope answers the same as absent: a forged id learns nothing about other structures.
  HABILITATION_NOT_FOUND: { status: 404, message: 'Cette habilitation n’existe pas ou ne fait pas partie de votre périmètre.' },
  HABILITATION_FORBIDDEN: {
    status: 403,
    message: 'Vous pouvez consulter cette habilitation, mais vous n’avez pas le droit de la modifier ni de la supprimer.',
  },
  // R32: nobody grants, prolongs or widens a habilitation for themselves.
  HABILITATION_SELF_CHANGE: {
    status: 403,
    message: 'Vous ne pouvez pas modifier ni supprimer vos propres habilitations : demandez-le à un autre référent.',
  },
  HABILITATION_ALREADY_DELETED: { status: 409, message: 'Cette habilitation a été supprimée : elle ne peut plus être modifiée.' },
  HABILITATION_END_DATE_INVALID: { status: 400, message: 'Saisissez une date de fin valide, au format JJ/MM/AAAA.' },
  // R35: from today (shortening allowed) to the start + 5 years (R31).
  HABILITATION_END_DATE_BEFORE_MIN: {
    status: 400,
    message: 'La date de fin ne peut pas être antérieure à aujourd’hui ni à la date de début de l’habilitation.',
  },
  HABILITATION_END_DATE_AFTER_MAX: {
    status: 400,
    message: 'Une habilitation dure au plus 5 ans : la date de fin ne peut pas dépasser 5 ans après sa date de début.',
  },
  // Granting (R30–R34).
  GRANT_INVALID: { status: 400, message: 'Le formulaire contient des erreurs.' },
  GRANT_SELF: { status: 403, message: 'Vous ne pouvez pas vous attribuer une habilitation à vous-même.' },
  GRANT_ACCOUNT_OUT_OF_SCOPE: { status: 404, code: 'ACCOUNT_NOT_FOUND', message: 'Un des comptes choisis n’existe pas ou n’appartient pas à votre périmètre.' },
  GRANT_EMAIL_TAKEN: {
    status: 409,
    code: 'ACCOUNT_EMAIL_ALREADY_EXISTS',
    message: 'Un des comptes désactivés a une adresse e-mail reprise par un autre compte actif : modifiez-la avant de lui attribuer une habilitation.',
  },
  // R27: the same habilitation (account, profile, place, overlapping dates) is never granted twice.
  GRANT_DUPLICATE: {
    status: 409,
    message: (p: { who: string; from: string; to: string }) =>
      `${p.who} a déjà cette habilitation sur ce lieu (du ${p.from} au ${p.to}) : prolongez-la plutôt que de l’attribuer une seconde fois.`,
  },
  REVIEW_FILTERS_INVALID: { status: 400, message: 'Choisissez un domaine, une coordination et une structure.' },
  REVIEW_STRUCTURE_OUT_OF_SCOPE: {
    status: 403,
    message: 'Cette structure ne fait pas partie de votre périmètre : vous ne pouvez pas en consulter les habilitations.',
  },
});

/** R27: a duplicate grant, with the habilitation it would repeat (the page links to it). */
export class DuplicateGrantError extends DomainError {
  constructor(
    base: DomainError,
    readonly existing: { accountId: number; habilitationId: number },
  ) {
    super(base.code, base.message, base.status, base.fields);
  }
}
